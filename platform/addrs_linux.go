package platform

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"

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
	q := newRequest(unix.RTM_GETADDR, unix.NLM_F_DUMP, unix.IfAddrmsg{Family: unix.AF_INET, Index: uint32(index)})
	return r.exchange(q, func(m syscall.NetlinkMessage) bool {
		if m.Header.Type != unix.RTM_NEWADDR {
			return true
		}
		if a, ok := localAddrOf(m.Data, index); ok {
			fn(a)
		}
		return true
	})
}

// localAddrOf returns the IFA_LOCAL address of an RTM_NEWADDR payload
// for the link index, and false for another link's or a malformed one.
func localAddrOf(b []byte, index int) (netip.Addr, bool) {
	if len(b) < unix.SizeofIfAddrmsg ||
		binary.NativeEndian.Uint32(b[4:8]) != uint32(index) { // struct ifaddrmsg's ifa_index
		return netip.Addr{}, false
	}
	var local netip.Addr
	err := eachAttr(b[unix.SizeofIfAddrmsg:], func(typ uint16, v []byte) error {
		if typ == unix.IFA_LOCAL && !local.IsValid() {
			local, _ = netip.AddrFromSlice(v)
		}
		return nil
	})
	if err != nil || !local.IsValid() {
		return netip.Addr{}, false
	}
	return local.Unmap(), true
}
