//go:build linux

package fakeserver

import (
	"context"
	"fmt"
	"net"
	"syscall"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Listen opens the server's UDP socket on port 67 of ifname in the
// calling thread's network namespace: bound to the device, so that only
// that link is served, and allowed to broadcast its replies.
func Listen(ifname string) (net.PacketConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = setSockopts(int(fd), ifname)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	conn, err := lc.ListenPacket(context.Background(), "udp4", fmt.Sprintf("0.0.0.0:%d", dhcp4.ServerPort))
	if err != nil {
		return nil, fmt.Errorf("listen on %s port %d: %w", ifname, dhcp4.ServerPort, err)
	}
	return conn, nil
}

func setSockopts(fd int, ifname string) error {
	if err := syscall.BindToDevice(fd, ifname); err != nil {
		return fmt.Errorf("bind to device %s: %w", ifname, err)
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return fmt.Errorf("set SO_REUSEADDR: %w", err)
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1); err != nil {
		return fmt.Errorf("set SO_BROADCAST: %w", err)
	}
	return nil
}
