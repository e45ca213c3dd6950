package platform

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"syscall"

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
// thread's network namespace; unlike net.InterfaceByName, it asks for
// one link, not a dump of all, and a missing interface is told apart
// (ErrLinkGone).
func interfaceByName(ifname string) (*net.Interface, error) {
	h, err := openLink(ifname)
	if err != nil {
		return nil, err
	}
	defer h.close()
	l := h.link
	// A copy: the attribute is a slice of the whole reply, which the
	// sockets that keep the address would keep too.
	hw := net.HardwareAddr(bytes.Clone(l.HardwareAddr))
	return &net.Interface{Index: l.Index, MTU: l.MTU, Name: l.Name, HardwareAddr: hw, Flags: netFlags(l.Flags)}, nil
}

// readLink looks ifname up through r; a missing interface is an error
// wrapping ErrLinkGone.
func readLink(r *rtnl, ifname string) (*linkInfo, error) {
	l, err := r.getLink(ifname)
	if errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("interface %s: %w", ifname, ErrLinkGone)
	}
	if err != nil {
		return nil, fmt.Errorf("look up interface %s: %w", ifname, err)
	}
	return l, nil
}

// rtextFilterSkipStats is RTEXT_FILTER_SKIP_STATS (linux/rtnetlink.h,
// Linux 4.19); older kernels ignore the bit.
const rtextFilterSkipStats = 1 << 3

// errNoLink reports a lookup the kernel answered without a link.
var errNoLink = errors.New("netlink: no link in the reply")

// getLink asks the kernel for the one link named ifname (RTM_GETLINK,
// answered by RTM_NEWLINK or an error such as ENODEV).
func (r *rtnl) getLink(ifname string) (*linkInfo, error) {
	q := newRequest(unix.RTM_GETLINK, 0, unix.IfInfomsg{Family: unix.AF_UNSPEC})
	q.str(unix.IFLA_IFNAME, ifname)
	// Statistics are most of a link message and unused here.
	q.u32(unix.IFLA_EXT_MASK, rtextFilterSkipStats)
	var l *linkInfo
	var perr error
	err := r.exchange(q, func(m syscall.NetlinkMessage) bool {
		if m.Header.Type != unix.RTM_NEWLINK {
			return true
		}
		var li linkInfo
		li, perr = parseLink(m.Data)
		l = &li
		return false
	})
	switch {
	case err != nil:
		return nil, err
	case perr != nil:
		return nil, perr
	case l == nil:
		return nil, errNoLink
	}
	return l, nil
}

// broadcastHW is the all-ones link-layer address of length n.
func broadcastHW(n int) net.HardwareAddr {
	b := make(net.HardwareAddr, n)
	for i := range b {
		b[i] = 0xff
	}
	return b
}
