package platform

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// linkHasAddr reports whether addr is assigned to the interface ifname.
// It asks the kernel for that one interface's IPv4 addresses (a dump
// filtered by index under NETLINK_GET_STRICT_CHK, Linux 4.20), so a
// renewal's send costs the same whatever the number of interfaces; on an
// older kernel the whole dump comes back and is filtered here.
func linkHasAddr(ifname string, addr netip.Addr) (bool, error) {
	ifi, err := interfaceByName(ifname)
	if err != nil {
		return false, err
	}
	found := false
	err = eachIPv4Addr(ifi.Index, func(a netip.Addr) {
		found = found || a == addr
	})
	if err != nil {
		return false, fmt.Errorf("addresses of %s: %w", ifname, err)
	}
	return found, nil
}

// eachIPv4Addr calls fn with each IPv4 address (IFA_LOCAL) on the link
// of the given index.
func eachIPv4Addr(index int, fn func(netip.Addr)) error {
	r, err := openRTNL(0)
	if err != nil {
		return err
	}
	defer r.Close()
	r.strictCheck()
	msg := nl.NewIfAddrmsg(unix.AF_INET)
	msg.Index = uint32(index)
	seq, err := r.request(unix.RTM_GETADDR, unix.NLM_F_DUMP, msg)
	if err != nil {
		return err
	}
	for {
		msgs, err := r.receive()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				return nil
			case unix.NLMSG_ERROR:
				if err := errorOf(m); err != nil {
					return err
				}
			case unix.RTM_NEWADDR:
				if a, ok := localAddrOf(m, index); ok {
					fn(a)
				}
			}
		}
	}
}

// localAddrOf returns the IFA_LOCAL address of an RTM_NEWADDR message
// for the link index, and false for another link's or a malformed one.
func localAddrOf(m syscall.NetlinkMessage, index int) (netip.Addr, bool) {
	if len(m.Data) < unix.SizeofIfAddrmsg ||
		binary.NativeEndian.Uint32(m.Data[4:8]) != uint32(index) { // struct ifaddrmsg's ifa_index
		return netip.Addr{}, false
	}
	attrs, err := syscall.ParseNetlinkRouteAttr(&m)
	if err != nil {
		return netip.Addr{}, false
	}
	for _, a := range attrs {
		if a.Attr.Type == unix.IFA_LOCAL {
			addr, ok := netip.AddrFromSlice(a.Value)
			return addr.Unmap(), ok
		}
	}
	return netip.Addr{}, false
}
