//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/leased/leased/test/lab"
)

// nmKernel is the IPv4 state of a client link, read through netlink.
type nmKernel struct {
	mtu   int
	addrs []netlink.Addr
	// routes through the link in every table but local, whose entries
	// the kernel derives from the addresses itself.
	routes []netlink.Route
}

// nmReadKernel reads the IPv4 addresses, routes and MTU of ifname.
func nmReadKernel(t *testing.T, l *lab.Lab, ifname string) nmKernel {
	t.Helper()
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	filter := &netlink.Route{LinkIndex: link.Attrs().Index, Table: unix.RT_TABLE_UNSPEC}
	all, err := h.RouteListFiltered(netlink.FAMILY_V4, filter, netlink.RT_FILTER_OIF|netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	k := nmKernel{mtu: link.Attrs().MTU, addrs: addrs}
	for _, r := range all {
		if r.Table != unix.RT_TABLE_LOCAL {
			k.routes = append(k.routes, r)
		}
	}
	return k
}

// nmRouteDst renders r's destination as NetworkManager does (0.0.0.0/0
// for a default route).
func nmRouteDst(r netlink.Route) string {
	if r.Dst == nil {
		return "0.0.0.0/0"
	}
	ones, _ := r.Dst.Mask.Size()
	a, _ := netip.AddrFromSlice(r.Dst.IP.To4())
	return netip.PrefixFrom(a, ones).String()
}

// nmRouteGw renders r's gateway as NetworkManager does (0.0.0.0 for none).
func nmRouteGw(r netlink.Route) string {
	if r.Gw == nil {
		return "0.0.0.0"
	}
	return r.Gw.String()
}

// nmRouteKey is what NetworkManager's IP4.ROUTE says of a route.
func nmRouteKey(dst, gw string, metric int) string {
	return fmt.Sprintf("%s via %s metric %d", dst, gw, metric)
}

// routeKeys lists the routes as NetworkManager's IP4.ROUTE would, sorted.
func (k nmKernel) routeKeys() []string {
	var s []string
	for _, r := range k.routes {
		s = append(s, nmRouteKey(nmRouteDst(r), nmRouteGw(r), r.Priority))
	}
	slices.Sort(s)
	return s
}

// addrPrefixes lists the addresses as A/P, sorted.
func (k nmKernel) addrPrefixes() []string {
	var s []string
	for _, a := range k.addrs {
		ones, _ := a.Mask.Size()
		s = append(s, fmt.Sprintf("%v/%d", a.IP, ones))
	}
	slices.Sort(s)
	return s
}

// String renders everything compared between runs, without lifetimes
// (they count down), one item a line.
func (k nmKernel) String() string {
	lines := []string{fmt.Sprintf("mtu %d", k.mtu)}
	for _, a := range k.addrs {
		ones, _ := a.Mask.Size()
		s := fmt.Sprintf("addr %v/%d brd %v", a.IP, ones, a.Broadcast)
		if a.Flags&unix.IFA_F_NOPREFIXROUTE != 0 {
			s += " noprefixroute"
		}
		if a.Flags&unix.IFA_F_PERMANENT == 0 {
			s += " dynamic"
		}
		lines = append(lines, s)
	}
	for _, r := range k.routes {
		s := "route " + nmRouteDst(r)
		if r.Gw != nil {
			s += " via " + r.Gw.String()
		}
		s += fmt.Sprintf(" proto %v scope %v metric %d table %d", r.Protocol, r.Scope, r.Priority, r.Table)
		if r.Src != nil {
			s += " src " + r.Src.String()
		}
		lines = append(lines, s)
	}
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// normalized is String with the lease address as ADDR and the lab's
// random /24 as NET, so that runs in different labs compare.
func (k nmKernel) normalized(l *lab.Lab, lease netip.Addr) string {
	s := k.String()
	if lease.IsValid() {
		s = regexp.MustCompile(`\b`+regexp.QuoteMeta(lease.String())+`\b`).ReplaceAllString(s, "ADDR")
	}
	b := l.Subnet().Addr().As4()
	return strings.ReplaceAll(s, fmt.Sprintf("%d.%d.%d.", b[0], b[1], b[2]), "NET.")
}

// nmRouteRE parses one IP4.ROUTE value of nmcli, such as
// "dst = 10.1.2.0/24, nh = 0.0.0.0, mt = 555".
var nmRouteRE = regexp.MustCompile(`^dst = (\S+), nh = (\S+), mt = (\d+)`)

// nmRouteKeys lists NetworkManager's IP4.ROUTE values as nmRouteKey, sorted.
func nmRouteKeys(t *testing.T, ip4 map[string][]string) []string {
	t.Helper()
	var s []string
	for _, v := range ip4["IP4.ROUTE"] {
		m := nmRouteRE.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("cannot parse nmcli's IP4.ROUTE %q", v)
		}
		var metric int
		fmt.Sscan(m[3], &metric)
		s = append(s, nmRouteKey(m[1], m[2], metric))
	}
	slices.Sort(s)
	return s
}

// nmWant is the IPv4 state NetworkManager itself configures on the link.
type nmWant struct {
	addrs  []string // A/P, sorted
	routes []string // nmRouteKey, sorted
}

// nmCheckKernel checks that the kernel has on the link exactly the
// addresses and routes of want, and that NetworkManager (ip4, nmcli's IP4
// group) lists the same. NM's IP4 group shows whatever the kernel has on
// the device, including what a dhclient added behind its back, so it
// cannot serve as the reference itself.
func nmCheckKernel(t *testing.T, step string, k nmKernel, ip4 map[string][]string, want nmWant) {
	t.Helper()
	if got := k.routeKeys(); !slices.Equal(got, want.routes) {
		t.Errorf("%s: the kernel's routes are not the ones NetworkManager adds\n got: %q\nwant: %q%s\nkernel:\n%v",
			step, got, want.routes, nmRouteNotes(k), k)
	}
	if got := nmRouteKeys(t, ip4); !slices.Equal(got, want.routes) {
		t.Errorf("%s: NetworkManager lists routes %q, want %q", step, got, want.routes)
	}
	// NetworkManager 1.42 adds the lease's routes with proto dhcp and the
	// subnet route of its noprefixroute address with proto kernel.
	for _, r := range k.routes {
		want := netlink.RouteProtocol(unix.RTPROT_DHCP)
		if r.Gw == nil {
			want = unix.RTPROT_KERNEL
		}
		if r.Protocol != want {
			t.Errorf("%s: route %s via %s metric %d has proto %v, NetworkManager's has proto %v",
				step, nmRouteDst(r), nmRouteGw(r), r.Priority, r.Protocol, want)
		}
	}
	if got := k.addrPrefixes(); !slices.Equal(got, want.addrs) {
		t.Errorf("%s: the kernel has addresses %q, want %q\nkernel:\n%v", step, got, want.addrs, k)
	}
	if got := slices.Sorted(slices.Values(ip4["IP4.ADDRESS"])); !slices.Equal(got, want.addrs) {
		t.Errorf("%s: NetworkManager lists addresses %q, want %q", step, got, want.addrs)
	}
}

// nmRouteNotes explains the routes NetworkManager would not have added:
// another metric than the connection's, proto boot or static (ip route
// add, netlink clients), or a destination and gateway present twice.
func nmRouteNotes(k nmKernel) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, r := range k.routes {
		key := nmRouteDst(r) + " via " + nmRouteGw(r)
		if r.Priority != nmMetric {
			fmt.Fprintf(&b, "\n  %s metric %d proto %v: not NetworkManager's metric %d", key, r.Priority, r.Protocol, nmMetric)
		}
		if r.Protocol == unix.RTPROT_BOOT || r.Protocol == unix.RTPROT_STATIC {
			fmt.Fprintf(&b, "\n  %s proto %v: NetworkManager adds proto dhcp or kernel", key, r.Protocol)
		}
		if seen[key] {
			fmt.Fprintf(&b, "\n  %s: twice", key)
		}
		seen[key] = true
	}
	return b.String()
}
