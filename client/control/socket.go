package control

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
)

// ErrInUse is returned by Listen when a live daemon already answers on
// the socket path.
var ErrInUse = errors.New("control socket in use")

// Socket modes: owner only by default (SPEC §8); everybody when read-only
// verbs are public, the peer-credential check then guarding the rest.
const (
	modePrivate fs.FileMode = 0o600
	modePublic  fs.FileMode = 0o666
)

// listenUnix binds a Unix stream socket at path. A socket file left by a
// daemon that died is removed, but only when nothing answers on it and
// only when it is a socket: a live daemon's socket or an unrelated file is
// never removed.
func listenUnix(path string) (*net.UnixListener, error) {
	addr := &net.UnixAddr{Name: path, Net: "unix"}
	ln, err := net.ListenUnix("unix", addr)
	if err == nil || !errors.Is(err, syscall.EADDRINUSE) {
		return ln, err
	}
	if err := removeStale(path); err != nil {
		return nil, err
	}
	return net.ListenUnix("unix", addr)
}

// removeStale removes the socket file at path when connecting to it is
// refused, which means no process listens on it any more.
func removeStale(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("inspect %s: %w", path, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s exists and is not a socket", path)
	}
	// DialUnix, not Dial: a Dial links the DNS resolver into the daemon.
	// Connecting to a unix socket does not wait for the peer.
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err == nil {
		c.Close()
		return fmt.Errorf("%w: a daemon answers on %s", ErrInUse, path)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("probe %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("remove stale socket: %w", err)
	}
	return nil
}
