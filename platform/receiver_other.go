//go:build !linux

package platform

import (
	"fmt"
	"net/netip"
)

// Receiver reads packet sockets; outside Linux there are none.
type Receiver struct{}

// NewReceiver returns an error wrapping ErrUnsupported outside Linux.
func NewReceiver() (*Receiver, error) {
	return nil, fmt.Errorf("packet receiver: %w", ErrUnsupported)
}

// Close does nothing.
func (r *Receiver) Close() error { return nil }

// Add returns ErrUnsupported.
func (r *Receiver) Add(c *RawConn, deliver func(payload []byte, from netip.AddrPort)) (stop func(), err error) {
	return nil, ErrUnsupported
}
