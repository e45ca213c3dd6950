package platform

import (
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// HardwareAddr returns the link-layer address and index of ifname, or an
// error wrapping ErrLinkGone when there is no such interface.
func HardwareAddr(ifname string) (net.HardwareAddr, int, error) {
	ifi, err := interfaceByName(ifname)
	if err != nil {
		return nil, 0, err
	}
	return ifi.HardwareAddr, ifi.Index, nil
}

// interfaceByName looks ifname up through netlink in the calling
// thread's network namespace; unlike net.InterfaceByName, a missing
// interface is told apart (ErrLinkGone).
func interfaceByName(ifname string) (*net.Interface, error) {
	l, err := netlink.LinkByName(ifname)
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("interface %s: %w", ifname, ErrLinkGone)
	}
	if err != nil {
		return nil, fmt.Errorf("look up interface %s: %w", ifname, err)
	}
	a := l.Attrs()
	return &net.Interface{Index: a.Index, MTU: a.MTU, Name: a.Name, HardwareAddr: a.HardwareAddr, Flags: a.Flags}, nil
}

// broadcastHW is the all-ones link-layer address of length n.
func broadcastHW(n int) net.HardwareAddr {
	b := make(net.HardwareAddr, n)
	for i := range b {
		b[i] = 0xff
	}
	return b
}
