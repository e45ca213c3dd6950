package hooks

import (
	"os"

	"golang.org/x/sys/unix"
)

// A hook's exit is awaited in the runtime's poller, not in a blocking
// wait: a goroutine blocked in waitid holds an OS thread for as long as
// the script runs, and a thousand interfaces running their scripts at
// once would hold a thousand threads (issue 14). A pidfd becomes
// readable when its process exits (Linux 5.3).

// watchExit opens a pidfd of p for the poller; nil when the kernel has
// none, and the exit is then awaited in waitid. p is a child not reaped
// yet, so its pid cannot have been reused. The pidfd is an open file of
// its own: being non-blocking, it leaves p's blocking.
func watchExit(p *os.Process) *os.File {
	fd, err := unix.PidfdOpen(p.Pid, 0)
	if err != nil {
		return nil
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil
	}
	return os.NewFile(uintptr(fd), "pidfd")
}

// awaitExit returns once the process of pidfd f has exited, without
// reaping it; at once when f is nil or cannot be polled.
func awaitExit(f *os.File) {
	if f == nil {
		return
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, 0)
		return err != nil || n > 0
	})
}
