package platform

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// DetachStdio points fds 0, 1 and 2 at /dev/null: a daemon that left its
// terminal must neither hold it open nor fail writing to it.
func DetachStdio() error {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	var errs []error
	for fd := range 3 {
		if err := unix.Dup3(int(null.Fd()), fd, 0); err != nil {
			errs = append(errs, os.NewSyscallError("dup3", err))
		}
	}
	return errors.Join(errs...)
}
