package platform

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// ReleaseCode unmaps the pages of the executable's code and read-only
// data (codeRanges) with MADV_DONTNEED, which for pages of a file drops
// them from the mapping and nothing else. It returns how many bytes of
// mappings it released.
func ReleaseCode() (int, error) {
	exe, err := executable()
	if err != nil {
		return 0, fmt.Errorf("release code: %w", err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("release code: %w", err)
	}
	var n int
	var errs []error
	for _, r := range codeRanges(smaps, exe) {
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, r.start, r.end-r.start, unix.MADV_DONTNEED); errno != 0 {
			// EINVAL for locked pages (mlockall): they stay.
			errs = append(errs, fmt.Errorf("release code %#x-%#x: %w", r.start, r.end, os.NewSyscallError("madvise", errno)))
			continue
		}
		n += int(r.end - r.start)
	}
	return n, errors.Join(errs...)
}

// executable is the file the process runs, as smaps names it.
func executable() (fileID, error) {
	fi, err := os.Stat("/proc/self/exe")
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("no inode for /proc/self/exe")
	}
	return fileID{unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev)), st.Ino}, nil
}
