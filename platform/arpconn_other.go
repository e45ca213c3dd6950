//go:build !linux

package platform

import (
	"fmt"
	"net/netip"
)

// ARPConn is not available outside Linux.
type ARPConn struct{}

// ListenARP returns an error wrapping ErrUnsupported outside Linux.
func ListenARP(ifname string) (*ARPConn, error) {
	return nil, fmt.Errorf("arp on %s: %w", ifname, ErrUnsupported)
}

// Probe is never reached: ListenARP fails.
func (a *ARPConn) Probe(netip.Addr) error { return ErrUnsupported }

// Announce is never reached: ListenARP fails.
func (a *ARPConn) Announce(netip.Addr) error { return ErrUnsupported }

// Read is never reached: ListenARP fails.
func (a *ARPConn) Read() (ARP, error) { return ARP{}, ErrUnsupported }

// Close does nothing.
func (a *ARPConn) Close() error { return nil }
