//go:build !linux

package fakeserver

import (
	"errors"
	"net"
)

// Listen is only implemented on Linux, where the test lab runs.
func Listen(ifname string) (net.PacketConn, error) {
	return nil, errors.New("fakeserver: Listen is only supported on Linux")
}
