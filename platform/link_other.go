//go:build !linux

package platform

import (
	"context"
	"fmt"
	"net"
)

// HardwareAddr returns an error wrapping ErrUnsupported outside Linux.
func HardwareAddr(ifname string) (net.HardwareAddr, int, error) {
	return nil, 0, fmt.Errorf("interface %s: %w", ifname, ErrUnsupported)
}

// WatchLinks returns an error wrapping ErrUnsupported outside Linux.
func WatchLinks(ctx context.Context, ch chan<- LinkEvent) error {
	return fmt.Errorf("watch links: %w", ErrUnsupported)
}

// WatchCarrier returns an error wrapping ErrUnsupported outside Linux.
func WatchCarrier(ctx context.Context, report func(name string, up bool)) error {
	return fmt.Errorf("watch links: %w", ErrUnsupported)
}
