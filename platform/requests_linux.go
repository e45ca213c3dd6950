package platform

import (
	"encoding/binary"
	"math"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// The requests a Configurator sends, built from its own types. Each
// asks for an acknowledgement (NLM_F_ACK), so that the kernel's answer,
// success or error, ends the exchange.

// upRequest sets the link index administratively up (IFF_UP), leaving
// its other flags as they are.
func upRequest(index int) *nlRequest {
	return newRequest(unix.RTM_NEWLINK, unix.NLM_F_ACK,
		unix.IfInfomsg{Family: unix.AF_UNSPEC, Index: int32(index), Flags: unix.IFF_UP, Change: unix.IFF_UP})
}

// mtuRequest sets the MTU of the link index.
func mtuRequest(index, mtu int) *nlRequest {
	q := newRequest(unix.RTM_SETLINK, unix.NLM_F_ACK, unix.IfInfomsg{Family: unix.AF_UNSPEC, Index: int32(index)})
	q.u32(unix.IFLA_MTU, uint32(mtu))
	return q
}

// addrRequest names the address p on the link index: the kernel finds
// an address by its local address and prefix length (IFA_ADDRESS is the
// peer, the address itself on a link that is not point-to-point).
func addrRequest(typ, flags uint16, index int, p netip.Prefix) *nlRequest {
	q := newRequest(typ, flags, unix.IfAddrmsg{Family: family(p.Addr()), Prefixlen: uint8(p.Bits()), Index: uint32(index)})
	q.addr(unix.IFA_LOCAL, p.Addr())
	q.addr(unix.IFA_ADDRESS, p.Addr())
	return q
}

// replaceAddrRequest adds b's address to the link index, or updates it
// in place when it is there: its broadcast, unless b has none (invalid
// or 0.0.0.0; the kernel then computes none either), and its lifetimes.
// Lifetimes are whole seconds, rounded up so that a lease is never cut
// short; the kernel's largest finite lifetime is 0xfffffffe, and a
// Lifetime of 0 sends none, which the kernel takes as forever.
func replaceAddrRequest(index int, b Binding) *nlRequest {
	q := addrRequest(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE|unix.NLM_F_ACK, index, b.Addr)
	if b.Broadcast.IsValid() && !b.Broadcast.IsUnspecified() {
		q.addr(unix.IFA_BROADCAST, b.Broadcast)
	}
	if b.Lifetime > 0 {
		secs := uint32(min(int64((b.Lifetime+time.Second-1)/time.Second), math.MaxUint32-1))
		var ci [unix.SizeofIfaCacheinfo]byte // struct ifa_cacheinfo: preferred, valid, then stamps the kernel sets
		binary.NativeEndian.PutUint32(ci[0:], secs)
		binary.NativeEndian.PutUint32(ci[4:], secs)
		q.attr(unix.IFA_CACHEINFO, ci[:])
	}
	return q
}

// routeRequest adds (RTM_NEWROUTE) or deletes (RTM_DELROUTE) r through
// the link index, tagged RTPROT_DHCP so that it is recognisably
// leased's (ip route shows "proto dhcp"). An on-link route has scope
// link and no gateway; so has a delete of a route without one, which
// the kernel then matches whatever its gateway. A metric of 0 is not
// sent: a delete then matches any metric. A delete leaves the route
// type open (RTN_UNSPEC).
func routeRequest(typ, flags uint16, index int, r Route) *nlRequest {
	table := r.Table
	if table <= 0 {
		table = unix.RT_TABLE_MAIN
	}
	m := unix.RtMsg{
		Family:   family(r.Dst.Addr()),
		Dst_len:  uint8(r.Dst.Bits()),
		Table:    uint8(table),
		Protocol: unix.RTPROT_DHCP,
		Scope:    unix.RT_SCOPE_UNIVERSE,
	}
	if table > math.MaxUint8 { // rtm_table is a byte: larger ids go in RTA_TABLE
		m.Table = unix.RT_TABLE_UNSPEC
	}
	if typ == unix.RTM_NEWROUTE {
		m.Type = unix.RTN_UNICAST
	}
	if r.OnLink {
		m.Scope = unix.RT_SCOPE_LINK
	}
	q := newRequest(typ, flags, m)
	q.addr(unix.RTA_DST, r.Dst.Addr())
	if !r.OnLink && r.Gateway.IsValid() {
		q.addr(unix.RTA_GATEWAY, r.Gateway)
	}
	if table > math.MaxUint8 {
		q.u32(unix.RTA_TABLE, uint32(table))
	}
	if r.Metric > 0 {
		q.u32(unix.RTA_PRIORITY, uint32(r.Metric))
	}
	q.u32(unix.RTA_OIF, uint32(index))
	return q
}

// family is the address family of a.
func family(a netip.Addr) uint8 {
	if a.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}
