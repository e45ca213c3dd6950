package platform

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// testBinding is a lease with a router, a classless route set that
// overrides it, an MTU and a ten-minute lifetime.
func testBinding(addr string, lifetime time.Duration) Binding {
	opts := dhcp4.Options{
		{Code: dhcp4.OptRouter, Data: ip4("10.77.0.1")},
		{Code: dhcp4.OptClasslessRoutes, Data: classless("192.168.50.0/24", "10.77.0.9", "0.0.0.0/0", "10.77.0.254")},
		{Code: dhcp4.OptInterfaceMTU, Data: []byte{0x05, 0x78}}, // 1400
	}
	return BindingFor(netip.MustParsePrefix(addr), opts, lifetime, RouteSettings{Metric: 100, Classless: true, SetMTU: true})
}

// kernelRoutes renders the IPv4 routes of link in the main table as
// "dst via gw metric N proto P", sorted.
func kernelRoutes(t *testing.T, h *netlink.Handle, link netlink.Link) []string {
	t.Helper()
	rs, err := h.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rs {
		dst := "0.0.0.0/0"
		if r.Dst != nil {
			dst = r.Dst.String()
		}
		s := dst
		if r.Gw != nil {
			s += " via " + r.Gw.String()
		}
		out = append(out, fmt.Sprintf("%s metric %d proto %d", s, r.Priority, r.Protocol))
	}
	slices.Sort(out)
	return out
}

func kernelAddrs(t *testing.T, h *netlink.Handle, link netlink.Link) []netlink.Addr {
	t.Helper()
	as, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func wantRoutes(t *testing.T, h *netlink.Handle, link netlink.Link, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := kernelRoutes(t, h, link); !slices.Equal(got, want) {
		t.Errorf("routes:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

const protoDHCP, protoKernel, protoBoot = unix.RTPROT_DHCP, unix.RTPROT_KERNEL, unix.RTPROT_BOOT

func TestConfiguratorApplyRemove(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	c := ns.configurator()
	b := testBinding("10.77.0.23/24", 10*time.Minute)
	if err := c.Apply(ifname, b); err != nil {
		t.Fatal(err)
	}
	link := linkByName(t, h, ifname)
	as := kernelAddrs(t, h, link)
	if len(as) != 1 || as[0].IPNet.String() != "10.77.0.23/24" || as[0].Broadcast.String() != "10.77.0.255" {
		t.Fatalf("addresses: got %v, want 10.77.0.23/24 brd 10.77.0.255", as)
	}
	if v, p := as[0].ValidLft, as[0].PreferedLft; v < 595 || v > 600 || p != v {
		t.Errorf("lifetimes: got valid %d preferred %d, want both 600 s", v, p)
	}
	wantRoutes(t, h, link,
		fmt.Sprintf("10.77.0.0/24 metric 0 proto %d", protoKernel),
		fmt.Sprintf("192.168.50.0/24 via 10.77.0.9 metric 100 proto %d", protoDHCP),
		fmt.Sprintf("0.0.0.0/0 via 10.77.0.254 metric 100 proto %d", protoDHCP))
	if mtu := link.Attrs().MTU; mtu != 1400 {
		t.Errorf("mtu: got %d, want 1400", mtu)
	}

	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	link = linkByName(t, h, ifname)
	if as := kernelAddrs(t, h, link); len(as) != 0 {
		t.Errorf("addresses after Remove: got %v, want none", as)
	}
	wantRoutes(t, h, link)
	if mtu := link.Attrs().MTU; mtu != 1500 {
		t.Errorf("mtu after Remove: got %d, want the original 1500", mtu)
	}
}

// An MTU the link refuses (a macvlan's above its lower link's 1500, as
// a VLAN's) is reported, and the address and routes are put on all the
// same, as Debian's dhclient-script does, which sets the MTU after the
// address.
func TestConfiguratorRefusedMTUKeepsAddress(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	lower, _ := vethPair(t, h, nil)
	upper := lower + "m"
	mv := &netlink.Macvlan{LinkAttrs: netlink.LinkAttrs{Name: upper, ParentIndex: linkByName(t, h, lower).Attrs().Index}, Mode: netlink.MACVLAN_MODE_BRIDGE}
	if err := h.LinkAdd(mv); err != nil {
		t.Fatalf("add macvlan %s: %v", upper, err)
	}
	setUp(t, h, upper)
	b := testBinding("10.77.0.23/24", 10*time.Minute)
	b.MTU = 9000
	err := ns.configurator().Apply(upper, b)
	if err == nil || !strings.Contains(err.Error(), "mtu 9000") {
		t.Errorf("Apply: %v, want the refused MTU reported", err)
	}
	link := linkByName(t, h, upper)
	if as := kernelAddrs(t, h, link); len(as) != 1 || as[0].IPNet.String() != "10.77.0.23/24" {
		t.Errorf("addresses: got %v, want 10.77.0.23/24", as)
	}
	wantRoutes(t, h, link,
		fmt.Sprintf("10.77.0.0/24 metric 0 proto %d", protoKernel),
		fmt.Sprintf("192.168.50.0/24 via 10.77.0.9 metric 100 proto %d", protoDHCP),
		fmt.Sprintf("0.0.0.0/0 via 10.77.0.254 metric 100 proto %d", protoDHCP))
	if mtu := link.Attrs().MTU; mtu != 1500 {
		t.Errorf("mtu: got %d, want the link's 1500", mtu)
	}
}

// A RENEW with the same address must only extend the lifetimes: no
// address or route may be deleted on the way (SPEC §5).
func TestConfiguratorRenewDoesNotFlap(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	c := ns.configurator()
	if err := c.Apply(ifname, testBinding("10.77.0.23/24", 10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	link := linkByName(t, h, ifname)
	before := kernelRoutes(t, h, link)

	addrs, routes, done := make(chan netlink.AddrUpdate, 64), make(chan netlink.RouteUpdate, 64), make(chan struct{})
	ns.do(t, func() error {
		if err := netlink.AddrSubscribe(addrs, done); err != nil {
			return err
		}
		return netlink.RouteSubscribe(routes, done)
	})
	if err := c.Apply(ifname, testBinding("10.77.0.23/24", time.Hour)); err != nil {
		t.Fatal(err)
	}
	// A marker address and route: once their events arrive, every event
	// of the renewal has been seen.
	marker := &netlink.Addr{IPNet: mustCIDR("10.123.0.1/32")}
	if err := h.AddrAdd(link, marker); err != nil {
		t.Fatal(err)
	}
	as := kernelAddrs(t, h, link)
	sawLifetime := false
	for u := range addrs {
		if u.LinkAddress.String() == "10.123.0.1/32" {
			break
		}
		if !u.NewAddr {
			t.Errorf("renew deleted address %v", u.LinkAddress.String())
		}
		sawLifetime = sawLifetime || u.ValidLft > 3000
	}
	for u := range routes {
		if u.Dst != nil && u.Dst.String() == "10.123.0.1/32" {
			break // the marker's local route
		}
		if u.Type == unix.RTM_DELROUTE {
			t.Errorf("renew deleted route %v", u.Route)
		}
	}
	close(done)
	if !sawLifetime {
		t.Error("saw no address update with the new lifetime")
	}
	if err := h.AddrDel(link, marker); err != nil {
		t.Fatal(err)
	}
	as = slices.DeleteFunc(as, func(a netlink.Addr) bool { return a.IPNet.String() == "10.123.0.1/32" })
	if len(as) != 1 || as[0].ValidLft < 3595 || as[0].ValidLft > 3600 {
		t.Errorf("after renew: got %v valid %d, want one address valid for 3600 s", as, as[0].ValidLft)
	}
	if after := kernelRoutes(t, h, link); !slices.Equal(before, after) {
		t.Errorf("routes changed on renew:\n got %v\nwant %v", after, before)
	}
}

func TestConfiguratorAddressChange(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	c := ns.configurator()
	if err := c.Apply(ifname, testBinding("10.77.0.23/24", time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A new address, and a lease that no longer carries option 121.
	nb := BindingFor(netip.MustParsePrefix("10.77.0.42/24"),
		dhcp4.Options{{Code: dhcp4.OptRouter, Data: ip4("10.77.0.1")}}, time.Minute, RouteSettings{Metric: 7, Classless: true})
	if err := c.Apply(ifname, nb); err != nil {
		t.Fatal(err)
	}
	link := linkByName(t, h, ifname)
	if as := kernelAddrs(t, h, link); len(as) != 1 || as[0].IPNet.String() != "10.77.0.42/24" {
		t.Errorf("addresses: got %v, want only 10.77.0.42/24", as)
	}
	wantRoutes(t, h, link,
		fmt.Sprintf("10.77.0.0/24 metric 0 proto %d", protoKernel),
		fmt.Sprintf("0.0.0.0/0 via 10.77.0.1 metric 7 proto %d", protoDHCP))
	if mtu := link.Attrs().MTU; mtu != 1500 {
		t.Errorf("mtu: got %d, want 1500 restored once the lease stopped setting it", mtu)
	}
}

// Routes and addresses the administrator added survive Apply and
// Remove, even one identical to a route of the lease, and a slot held by
// the administrator is reported rather than taken.
func TestConfiguratorLeavesForeignState(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	link := linkByName(t, h, ifname)
	if err := h.AddrAdd(link, &netlink.Addr{IPNet: mustCIDR("10.77.0.5/24")}); err != nil {
		t.Fatal(err)
	}
	foreign := []*netlink.Route{
		{LinkIndex: link.Attrs().Index, Dst: mustCIDR("10.88.0.0/16"), Gw: ip4("10.77.0.50"), Protocol: protoBoot},
		// Same slot as the lease's default route, another gateway.
		{LinkIndex: link.Attrs().Index, Dst: mustCIDR("0.0.0.0/0"), Gw: ip4("10.77.0.60"), Priority: 100, Protocol: protoBoot},
		// Identical to a route of the lease, but not leased's.
		{LinkIndex: link.Attrs().Index, Dst: mustCIDR("192.168.50.0/24"), Gw: ip4("10.77.0.9"), Priority: 100, Protocol: protoBoot},
	}
	for _, r := range foreign {
		if err := h.RouteAdd(r); err != nil {
			t.Fatalf("add %v: %v", r, err)
		}
	}
	before := kernelRoutes(t, h, link)

	c := ns.configurator()
	b := testBinding("10.77.0.23/24", time.Minute)
	err := c.Apply(ifname, b)
	if !errors.Is(err, ErrRouteConflict) {
		t.Errorf("Apply: got %v, want ErrRouteConflict", err)
	}
	wantRoutes(t, h, link, before...)
	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	wantRoutes(t, h, link, before...)
	if as := kernelAddrs(t, h, link); len(as) != 1 || as[0].IPNet.String() != "10.77.0.5/24" {
		t.Errorf("addresses after Remove: got %v, want 10.77.0.5/24 only", as)
	}
}

func TestConfiguratorLinkGone(t *testing.T) {
	ns := newNS(t)
	c := ns.configurator()
	err := c.Apply("nosuchlink0", testBinding("10.77.0.23/24", time.Minute))
	if !errors.Is(err, ErrLinkGone) {
		t.Errorf("Apply: got %v, want ErrLinkGone", err)
	}
	if err := c.Remove("nosuchlink0", testBinding("10.77.0.23/24", time.Minute)); err != nil {
		t.Errorf("Remove on a vanished link: got %v, want nil", err)
	}
}

// A route of leased's on this link left by a daemon that ran before is
// taken over, whatever its gateway; leased's route on another link in
// the same slot is another owner's, reported and left alone.
func TestConfiguratorRouteSlotOwners(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, other := vethPair(t, h, nil)
	link, otherLink := linkByName(t, h, ifname), linkByName(t, h, other)
	setUp(t, h, other)
	if err := h.AddrAdd(otherLink, &netlink.Addr{IPNet: mustCIDR("10.99.0.5/24")}); err != nil {
		t.Fatal(err)
	}
	c := ns.configurator()
	if err := c.Apply(ifname, testBinding("10.77.0.23/24", time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A daemon that ran before left its classless route with another
	// gateway; this one starts afresh.
	stale := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: mustCIDR("192.168.50.0/24"), Priority: 100, Protocol: protoDHCP}
	if err := h.RouteDel(stale); err != nil {
		t.Fatal(err)
	}
	stale.Gw = ip4("10.77.0.77")
	if err := h.RouteAdd(stale); err != nil {
		t.Fatal(err)
	}
	if err := ns.configurator().Apply(ifname, testBinding("10.77.0.23/24", time.Minute)); err != nil {
		t.Fatalf("Apply over a route of an earlier daemon: %v", err)
	}
	wantRoutes(t, h, link,
		fmt.Sprintf("10.77.0.0/24 metric 0 proto %d", protoKernel),
		fmt.Sprintf("192.168.50.0/24 via 10.77.0.9 metric 100 proto %d", protoDHCP),
		fmt.Sprintf("0.0.0.0/0 via 10.77.0.254 metric 100 proto %d", protoDHCP))

	// The other link's leased wants the same default route slot.
	theirs := &netlink.Route{LinkIndex: otherLink.Attrs().Index, Dst: mustCIDR("0.0.0.0/0"), Gw: ip4("10.99.0.1"), Priority: 100, Protocol: protoDHCP}
	if err := h.RouteDel(&netlink.Route{LinkIndex: link.Attrs().Index, Dst: mustCIDR("0.0.0.0/0"), Priority: 100, Protocol: protoDHCP}); err != nil {
		t.Fatal(err)
	}
	if err := h.RouteAdd(theirs); err != nil {
		t.Fatal(err)
	}
	before := kernelRoutes(t, h, otherLink)
	if err := ns.configurator().Apply(ifname, testBinding("10.77.0.23/24", time.Minute)); !errors.Is(err, ErrRouteConflict) {
		t.Errorf("Apply with the slot held on another link: got %v, want ErrRouteConflict", err)
	}
	wantRoutes(t, h, otherLink, before...)
}

// Routes go into the table the settings name, whether its id fits the
// route message's byte or needs RTA_TABLE, and Remove takes them out.
func TestConfiguratorRouteTable(t *testing.T) {
	for _, table := range []int{100, 1000} {
		ns := newNS(t)
		h := ns.handle(t)
		ifname, _ := vethPair(t, h, nil)
		link := linkByName(t, h, ifname)
		c := ns.configurator()
		b := BindingFor(netip.MustParsePrefix("10.77.0.23/24"), dhcp4.Options{{Code: dhcp4.OptRouter, Data: ip4("10.77.0.1")}},
			time.Minute, RouteSettings{Metric: 5, Table: table})
		if err := c.Apply(ifname, b); err != nil {
			t.Fatal(err)
		}
		filter := &netlink.Route{LinkIndex: link.Attrs().Index, Table: table}
		rs, err := h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_OIF|netlink.RT_FILTER_TABLE)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Gw.String() != "10.77.0.1" || rs[0].Priority != 5 || rs[0].Protocol != protoDHCP {
			t.Errorf("table %d: got %v, want the default route via 10.77.0.1 metric 5", table, rs)
		}
		if err := c.Remove(ifname, b); err != nil {
			t.Fatal(err)
		}
		if rs, err := h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_OIF|netlink.RT_FILTER_TABLE); err != nil || len(rs) != 0 {
			t.Errorf("table %d after Remove: got %v, %v; want no route", table, rs, err)
		}
	}
}

// With route-metric 0, two routers (metrics 0 and 1) and another link's
// default route holding the metric-0 slot, a renewal changes no route:
// taking over the slot would have deleted leased's own metric-1 route,
// since the kernel reads metric 0 in a delete as any metric.
func TestConfiguratorMetricZeroConflictDoesNotFlap(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, other := vethPair(t, h, nil)
	setUp(t, h, other)
	otherLink := linkByName(t, h, other)
	if err := h.AddrAdd(otherLink, &netlink.Addr{IPNet: mustCIDR("10.99.0.5/24")}); err != nil {
		t.Fatal(err)
	}
	if err := h.RouteAdd(&netlink.Route{LinkIndex: otherLink.Attrs().Index, Dst: mustCIDR("0.0.0.0/0"), Gw: ip4("10.99.0.1"), Protocol: protoBoot}); err != nil {
		t.Fatal(err)
	}
	b := BindingFor(netip.MustParsePrefix("10.77.0.23/24"),
		dhcp4.Options{{Code: dhcp4.OptRouter, Data: ip4("10.77.0.1", "10.77.0.2")}}, time.Hour, RouteSettings{Classless: true})
	c := ns.configurator()
	if err := c.Apply(ifname, b); !errors.Is(err, ErrRouteConflict) {
		t.Fatalf("bind: %v, want the metric-0 slot reported taken", err)
	}
	updates, done := make(chan netlink.RouteUpdate, 64), make(chan struct{})
	defer close(done)
	ns.do(t, func() error { return netlink.RouteSubscribe(updates, done) })
	if err := c.Apply(ifname, b); !errors.Is(err, ErrRouteConflict) {
		t.Errorf("renewal: %v, want the metric-0 slot reported taken", err)
	}
	// A route added after the renewal marks the end of its updates: the
	// kernel reports them in order.
	marker := &netlink.Route{LinkIndex: otherLink.Attrs().Index, Dst: mustCIDR("10.200.0.0/24"), Protocol: protoBoot}
	if err := h.RouteAdd(marker); err != nil {
		t.Fatal(err)
	}
	for u := range updates {
		if u.Type == unix.RTM_NEWROUTE && u.Dst != nil && u.Dst.String() == "10.200.0.0/24" {
			break
		}
		if u.Type == unix.RTM_DELROUTE {
			t.Errorf("the renewal deleted %v metric %d", u.Dst, u.Priority)
		}
	}
	wantRoutes(t, h, linkByName(t, h, ifname),
		fmt.Sprintf("10.77.0.0/24 metric 0 proto %d", protoKernel),
		fmt.Sprintf("0.0.0.0/0 via 10.77.0.2 metric 1 proto %d", protoDHCP))
}
