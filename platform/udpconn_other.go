//go:build !linux

package platform

import (
	"fmt"
	"net/netip"
	"time"
)

// UDPConn is the device-bound UDP socket; outside Linux it cannot be
// opened.
type UDPConn struct{}

// ListenUDP returns an error wrapping ErrUnsupported outside Linux.
func ListenUDP(ifname string, local netip.AddrPort) (*UDPConn, error) {
	return nil, fmt.Errorf("open udp socket on %s: %w", ifname, ErrUnsupported)
}

// SendUDP returns an error wrapping ErrUnsupported outside Linux.
func SendUDP(ifname string, local netip.AddrPort) (*UDPConn, error) {
	return nil, fmt.Errorf("open udp socket on %s: %w", ifname, ErrUnsupported)
}

// ReadFrom returns ErrUnsupported.
func (c *UDPConn) ReadFrom(b []byte) (int, netip.AddrPort, error) {
	return 0, netip.AddrPort{}, ErrUnsupported
}

// WriteTo returns ErrUnsupported.
func (c *UDPConn) WriteTo(payload []byte, to netip.AddrPort) error { return ErrUnsupported }

// Close returns ErrUnsupported.
func (c *UDPConn) Close() error { return ErrUnsupported }

// SetReadDeadline returns ErrUnsupported.
func (c *UDPConn) SetReadDeadline(t time.Time) error { return ErrUnsupported }
