//go:build linux

package e2e

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/leased/leased/test/lab"
)

// bindWant is the kernel state a bound client must leave on its link
// (SPEC §5).
type bindWant struct {
	addr      netip.Addr
	prefix    int
	broadcast netip.Addr
	lease     time.Duration // the lease time the server gave
	gateway   netip.Addr    // from option 121's default route
	static    netip.Prefix  // a non-default destination of option 121
	metric    int
	mtu       int
	// notVia is option 3's router: with option 121 present it must not
	// be used (RFC 3442).
	notVia netip.Addr
}

// bindLifetimeSlack is how far below the lease time the valid lifetime may
// be when checked: the time between the ACK and the check, plus rounding.
const bindLifetimeSlack = 5 * time.Second

// bindCheckKernel compares the client link's address, routes and MTU, read
// through netlink in the client namespace, with w.
func bindCheckKernel(t *testing.T, l *lab.Lab, ifname string, w bindWant) {
	t.Helper()
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	a := bindFindAddr(t, h, link, w.addr)
	if a == nil {
		t.Errorf("%v not on %s (addresses: %s)", w.addr, ifname, bindAddrsText(t, h, link))
	} else {
		bindCheckAddr(t, a, w)
	}
	routes := bindLinkRoutes(t, h, link)
	if !bindHasRoute(routes, netip.Prefix{}, w.gateway, w.metric) {
		t.Errorf("no default route via %v metric %d on %s: %s", w.gateway, w.metric, ifname, bindRoutesText(routes))
	}
	if !bindHasRoute(routes, w.static, w.gateway, w.metric) {
		t.Errorf("no route %v via %v metric %d on %s: %s", w.static, w.gateway, w.metric, ifname, bindRoutesText(routes))
	}
	for _, r := range routes {
		if w.notVia.IsValid() && r.Gw != nil && r.Gw.Equal(w.notVia.AsSlice()) {
			t.Errorf("route via option 3's router %v although option 121 is present: %v", w.notVia, r)
		}
	}
	if got := link.Attrs().MTU; got != w.mtu {
		t.Errorf("MTU of %s is %d, want %d", ifname, got, w.mtu)
	}
}

// bindCheckAddr compares one kernel address with w.
func bindCheckAddr(t *testing.T, a *netlink.Addr, w bindWant) {
	t.Helper()
	if ones, _ := a.Mask.Size(); ones != w.prefix {
		t.Errorf("%v has prefix /%d, want /%d", w.addr, ones, w.prefix)
	}
	if a.Broadcast == nil || !a.Broadcast.Equal(w.broadcast.AsSlice()) {
		t.Errorf("%v has broadcast %v, want %v", w.addr, a.Broadcast, w.broadcast)
	}
	valid := time.Duration(a.ValidLft) * time.Second
	if valid > w.lease || valid < w.lease-bindLifetimeSlack {
		t.Errorf("%v has valid lifetime %v, want %v less at most %v", w.addr, valid, w.lease, bindLifetimeSlack)
	}
}

// bindFindAddr returns the IPv4 address a on link, or nil.
func bindFindAddr(t *testing.T, h *netlink.Handle, link netlink.Link, a netip.Addr) *netlink.Addr {
	t.Helper()
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for i := range addrs {
		if addrs[i].IP.Equal(a.AsSlice()) {
			return &addrs[i]
		}
	}
	return nil
}

// bindLinkRoutes lists the IPv4 routes of the main table through link.
func bindLinkRoutes(t *testing.T, h *netlink.Handle, link netlink.Link) []netlink.Route {
	t.Helper()
	filter := &netlink.Route{LinkIndex: link.Attrs().Index, Table: unix.RT_TABLE_MAIN}
	routes, err := h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_OIF|netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	return routes
}

// bindHasRoute reports whether routes hold dst (the zero Prefix for the
// default route) via gw with metric.
func bindHasRoute(routes []netlink.Route, dst netip.Prefix, gw netip.Addr, metric int) bool {
	for _, r := range routes {
		if bindRouteDst(r) == dst && r.Gw != nil && r.Gw.Equal(gw.AsSlice()) && r.Priority == metric {
			return true
		}
	}
	return false
}

// bindRouteDst is r's destination, the zero Prefix for a default route
// (netlink leaves Dst nil or 0.0.0.0/0 depending on the version).
func bindRouteDst(r netlink.Route) netip.Prefix {
	if r.Dst == nil {
		return netip.Prefix{}
	}
	ones, _ := r.Dst.Mask.Size()
	if ones == 0 {
		return netip.Prefix{}
	}
	a, _ := netip.AddrFromSlice(r.Dst.IP.To4())
	return netip.PrefixFrom(a, ones)
}

// bindGatewayRoutes lists the routes of link that go through a gateway: the
// ones a DHCP client adds (the subnet route has none).
func bindGatewayRoutes(t *testing.T, l *lab.Lab, ifname string) []netlink.Route {
	t.Helper()
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	var out []netlink.Route
	for _, r := range bindLinkRoutes(t, h, link) {
		if r.Gw != nil {
			out = append(out, r)
		}
	}
	return out
}

// bindAddrsText renders the IPv4 addresses of link for failure messages.
func bindAddrsText(t *testing.T, h *netlink.Handle, link netlink.Link) string {
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, a := range addrs {
		s = append(s, fmt.Sprintf("%v brd %v valid %ds", a.IPNet, a.Broadcast, a.ValidLft))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// bindRoutesText renders routes for failure messages.
func bindRoutesText(routes []netlink.Route) string {
	var s []string
	for _, r := range routes {
		s = append(s, fmt.Sprintf("%v via %v metric %d", r.Dst, r.Gw, r.Priority))
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// bindBroadcastOf is the broadcast address of p.
func bindBroadcastOf(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	mask := net.CIDRMask(p.Bits(), 32)
	for i := range b {
		b[i] |= ^mask[i]
	}
	return netip.AddrFrom4(b)
}

// bindLinkMTU is the MTU of ifname.
func bindLinkMTU(t *testing.T, l *lab.Lab, ifname string) int {
	t.Helper()
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	return link.Attrs().MTU
}
