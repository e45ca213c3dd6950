package platform

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// UDPConn is the UDP socket of a bound client (ARCHITECTURE "I/O"): bound
// to the leased address and, with SO_BINDTODEVICE, to the interface, so
// that unicast renewals and releases leave from the lease's own address
// on the right link even when other interfaces share a subnet. Its
// kernel defaults (TTL 64, DF) match ISC's renewals (reference §6).
type UDPConn struct {
	c *net.UDPConn
}

// ListenUDP opens a UDPConn on ifname bound to local (the leased address
// and port 68). SO_REUSEADDR lets the daemons of several interfaces share
// the port, and SO_BROADCAST permits a broadcast rebind through it.
func ListenUDP(ifname string, local netip.AddrPort) (*UDPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		return bindToDevice(rc, ifname)
	}}
	pc, err := lc.ListenPacket(context.Background(), "udp4", local.String())
	if err != nil {
		return nil, fmt.Errorf("open udp socket on %s: %w", ifname, err)
	}
	return &UDPConn{c: pc.(*net.UDPConn)}, nil
}

func bindToDevice(rc syscall.RawConn, ifname string) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		s := int(fd)
		if serr = unix.SetsockoptString(s, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, ifname); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_BINDTODEVICE", serr)
			return
		}
		if serr = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_REUSEADDR", serr)
			return
		}
		if serr = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_BROADCAST", serr)
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// ReadFrom reads one datagram into b (truncated to len(b)) and returns
// its length and sender.
func (c *UDPConn) ReadFrom(b []byte) (int, netip.AddrPort, error) {
	n, from, err := c.c.ReadFromUDPAddrPort(b)
	if err != nil {
		return 0, netip.AddrPort{}, fmt.Errorf("read udp socket: %w", err)
	}
	return n, netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), nil
}

// WriteTo sends payload to to.
func (c *UDPConn) WriteTo(payload []byte, to netip.AddrPort) error {
	if _, err := c.c.WriteToUDPAddrPort(payload, to); err != nil {
		return fmt.Errorf("send to %v: %w", to, err)
	}
	return nil
}

// Close closes the socket; a blocked ReadFrom returns an error.
func (c *UDPConn) Close() error { return c.c.Close() }

// SetReadDeadline sets the deadline for ReadFrom; past it, ReadFrom
// returns an error for which errors.Is(err, os.ErrDeadlineExceeded).
func (c *UDPConn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }
