package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"syscall"

	"github.com/leased/leased/client/control"
)

// sockets returns the control socket of -s, or every one found that a
// process listens on. A socket that refuses connections is left over by
// a daemon that was killed (cloud-init ends its dhclient -1 with
// SIGKILL, which leaves /run/dhclient.sock), not one to report.
func (c *cli) sockets() ([]string, error) {
	if c.socket != "" {
		return []string{c.socket}, nil
	}
	found, err := control.Discover(c.glob)
	if err != nil {
		return nil, err
	}
	socks := slices.DeleteFunc(found, stale)
	if len(socks) == 0 {
		return nil, fmt.Errorf("no dhclient daemon running (no socket matches %s that a daemon listens on)", c.glob)
	}
	return socks, nil
}

// stale reports whether no process listens on the socket at path.
func stale(path string) bool {
	cl, err := control.Dial(path)
	if err != nil {
		return errors.Is(err, syscall.ECONNREFUSED)
	}
	cl.Close()
	return false
}

// dial connects to one daemon, explaining the usual failures.
func (c *cli) dial(path string) (*control.Client, error) {
	cl, err := control.Dial(path)
	switch {
	case err == nil:
		cl.Timeout = c.timeout
		return cl, nil
	case errors.Is(err, os.ErrPermission):
		return nil, fmt.Errorf("permission denied: cannot open %s (run as root or as the daemon's user)", path)
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no daemon: %s does not exist", path)
	case errors.Is(err, syscall.ECONNREFUSED):
		return nil, fmt.Errorf("no daemon answers on %s", path)
	}
	return nil, err
}

// ask sends one request to the daemon at path.
func (c *cli) ask(path string, req control.Request) (*control.Reply, error) {
	cl, err := c.dial(path)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	return cl.Do(req)
}

// owner finds the socket of the daemon running iface. With one socket
// there is nothing to choose, and that daemon says if iface is unknown.
func (c *cli) owner(socks []string, iface string) (string, error) {
	if len(socks) == 1 {
		return socks[0], nil
	}
	var other error
	for _, s := range socks {
		_, err := c.ask(s, control.Request{Verb: control.VerbStatus, Interface: iface})
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, control.ErrUnknownInterface) && other == nil {
			other = fmt.Errorf("%s: %w", s, err)
		}
	}
	if other != nil {
		// A daemon we could not ask may be the one.
		return "", other
	}
	return "", fmt.Errorf("unknown interface %s: no running daemon manages it", iface)
}
