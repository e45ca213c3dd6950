//go:build !linux

package platform

import (
	"fmt"
	"net"
)

// HardwareAddr returns an error wrapping ErrUnsupported outside Linux.
func HardwareAddr(ifname string) (net.HardwareAddr, int, error) {
	return nil, 0, fmt.Errorf("interface %s: %w", ifname, ErrUnsupported)
}
