package platform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// awaitAnyPath returns once one of paths exists, at once when one does
// or when paths is empty, or with ctx's error. It waits on inotify for
// the creation of each path or of its nearest missing directory, so a
// daemon started before the system bus is woken when the bus's socket
// appears rather than trying again on a timer (issue 14: no wake-ups
// while bound and idle, where no bus ever comes: containers, minimal
// systems).
func awaitAnyPath(ctx context.Context, paths []string) error {
	if len(paths) == 0 || anyExists(paths) {
		return nil
	}
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err != nil {
		return fmt.Errorf("inotify: %w", os.NewSyscallError("inotify_init1", err))
	}
	f := os.NewFile(uintptr(fd), "inotify") // non-blocking: read in the runtime's poller
	defer f.Close()
	defer context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Unix(1, 0)) })()
	buf := make([]byte, 4096)
	for {
		// Watch the nearest existing directory of each path, then look
		// again: what appeared before the watch sends no event, neither
		// the path nor a directory on the way to it, which then needs a
		// watch of its own.
		deeper := false
		for _, p := range paths {
			dir := existingParent(p)
			const events = unix.IN_CREATE | unix.IN_MOVED_TO | unix.IN_ONLYDIR
			if _, err := unix.InotifyAddWatch(fd, dir, events); err != nil {
				return fmt.Errorf("watch %s: %w", dir, os.NewSyscallError("inotify_add_watch", err))
			}
			deeper = deeper || existingParent(p) != dir
		}
		if anyExists(paths) {
			return nil
		}
		if deeper {
			continue
		}
		if _, err := f.Read(buf); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("inotify: %w", err)
		}
	}
}

// anyExists reports whether one of paths exists.
func anyExists(paths []string) bool {
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	return false
}

// existingParent returns the nearest directory above p that exists.
func existingParent(p string) string {
	dir := filepath.Dir(filepath.Clean(p))
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return dir // unreadable: the watch reports why
		}
		up := filepath.Dir(dir)
		if up == dir {
			return dir
		}
		dir = up
	}
}
