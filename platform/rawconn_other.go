//go:build !linux

package platform

import (
	"fmt"
	"net"
	"net/netip"
	"time"
)

// RawConn is the AF_PACKET transport; outside Linux it cannot be opened.
type RawConn struct{}

// ListenRaw returns an error wrapping ErrUnsupported outside Linux.
func ListenRaw(ifname string, port int) (*RawConn, error) {
	return nil, fmt.Errorf("open raw socket on %s: %w", ifname, ErrUnsupported)
}

// ListenDHCP returns an error wrapping ErrUnsupported outside Linux.
func ListenDHCP(ifname string, port int, chaddr net.HardwareAddr) (*RawConn, error) {
	return ListenRaw(ifname, port)
}

// ReadFrom returns ErrUnsupported.
func (c *RawConn) ReadFrom(b []byte) (int, netip.AddrPort, error) {
	return 0, netip.AddrPort{}, ErrUnsupported
}

// Receive returns ErrUnsupported.
func (c *RawConn) Receive(fn func(payload []byte, from netip.AddrPort)) error {
	return ErrUnsupported
}

// WriteTo returns ErrUnsupported.
func (c *RawConn) WriteTo(payload []byte, to netip.AddrPort) error { return ErrUnsupported }

// WriteFrom returns ErrUnsupported.
func (c *RawConn) WriteFrom(payload []byte, src netip.Addr, to netip.AddrPort) error {
	return ErrUnsupported
}

// MatchXID returns ErrUnsupported.
func (c *RawConn) MatchXID(xid uint32) error { return ErrUnsupported }

// MatchAnyXID returns ErrUnsupported.
func (c *RawConn) MatchAnyXID() error { return ErrUnsupported }

// Mute returns ErrUnsupported.
func (c *RawConn) Mute() error { return ErrUnsupported }

// Relink returns ErrUnsupported.
func (c *RawConn) Relink() (bool, error) { return false, ErrUnsupported }

// Dropped returns 0.
func (c *RawConn) Dropped() uint64 { return 0 }

// Close returns ErrUnsupported.
func (c *RawConn) Close() error { return ErrUnsupported }

// SetReadDeadline returns ErrUnsupported.
func (c *RawConn) SetReadDeadline(t time.Time) error { return ErrUnsupported }
