package platform

import (
	"bytes"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
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
	l, err := getLink(ifname)
	if errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("interface %s: %w", ifname, ErrLinkGone)
	}
	if err != nil {
		return nil, fmt.Errorf("look up interface %s: %w", ifname, err)
	}
	a := l.Attrs()
	// A copy: the attribute is a slice of the whole reply, which the
	// sockets that keep the address would keep too.
	hw := net.HardwareAddr(bytes.Clone(a.HardwareAddr))
	return &net.Interface{Index: a.Index, MTU: a.MTU, Name: a.Name, HardwareAddr: hw, Flags: a.Flags}, nil
}

// rtextFilterSkipStats is RTEXT_FILTER_SKIP_STATS (linux/rtnetlink.h,
// Linux 4.19); older kernels ignore the bit.
const rtextFilterSkipStats = 1 << 3

// getLink is netlink.LinkByName through an rtnl socket, which reads
// into the heap instead of the calling goroutine's stack.
func getLink(ifname string) (netlink.Link, error) {
	r, err := openRTNL(0)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	seq, err := r.request(unix.RTM_GETLINK, 0,
		nl.NewIfInfomsg(unix.AF_UNSPEC),
		nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(ifname)),
		// Statistics are most of a link message and unused here.
		nl.NewRtAttr(unix.IFLA_EXT_MASK, nl.Uint32Attr(rtextFilterSkipStats)))
	if err != nil {
		return nil, err
	}
	for {
		msgs, err := r.receive()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_ERROR:
				if err := errorOf(m); err != nil {
					return nil, err
				}
			case unix.RTM_NEWLINK:
				return netlink.LinkDeserialize(nil, m.Data)
			}
		}
	}
}

// broadcastHW is the all-ones link-layer address of length n.
func broadcastHW(n int) net.HardwareAddr {
	b := make(net.HardwareAddr, n)
	for i := range b {
		b[i] = 0xff
	}
	return b
}
