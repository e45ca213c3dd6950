package hooks

import (
	"context"
	"errors"
	"os"
	"time"

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

// awaitExit waits until the process of pidfd f has exited, without
// reaping it, and reports true; false once ctx is done first. A pidfd
// that cannot be polled reports true at once, and the reap that follows
// waits in waitid.
func awaitExit(ctx context.Context, f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return true
	}
	// ctx ends the wait through the read deadline, so no goroutine of
	// its own waits for it.
	stop := context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	err = rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(p, 0)
		return err != nil || n > 0
	})
	if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
		f.SetReadDeadline(time.Time{}) // for the next wait, after SIGTERM
		return false
	}
	return true
}
