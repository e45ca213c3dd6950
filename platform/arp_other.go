//go:build !linux

package platform

import (
	"context"
	"fmt"
	"net/netip"
)

// Probe returns an error wrapping ErrUnsupported outside Linux, except
// without a probe to send (ProbeOff), which needs no socket.
func (p Prober) Probe(ctx context.Context, ifname string, addr netip.Addr) (conflict bool, err error) {
	if p.Mode != ProbeFast && p.Mode != ProbeRFC5227 {
		return false, nil
	}
	return false, fmt.Errorf("arp probe on %s: %w", ifname, ErrUnsupported)
}
