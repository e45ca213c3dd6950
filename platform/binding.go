package platform

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// minMTU is the smallest interface MTU leased will set: RFC 2132 §5.1
// makes 68 the floor, but SPEC §5 follows dhclient-script and ignores
// anything below the 576 bytes every IPv4 host must accept (RFC 791).
const minMTU = 576

// Binding is what a lease puts on an interface (SPEC §5): the address,
// its broadcast address and lifetime, the routes and the MTU.
type Binding struct {
	Addr      netip.Prefix  // leased address with the subnet's prefix length
	Broadcast netip.Addr    // option 28, else computed; invalid for /31 and /32
	Lifetime  time.Duration // valid = preferred lifetime; 0 = forever
	Routes    []Route       // in install order: on-link host routes before the routes using them
	MTU       int           // 0 = leave alone
}

// Route is one route of a Binding. OnLink routes have no gateway: the
// destination is reached directly on the interface (scope link), as for
// an RFC 3442 route with gateway 0.0.0.0 or the host route to a gateway
// outside the leased subnet.
type Route struct {
	Dst     netip.Prefix
	Gateway netip.Addr // invalid when OnLink
	Metric  int
	OnLink  bool
	Table   int // routing table; 0 = main
}

// String renders r as ip-route(8) would: "0.0.0.0/0 via 10.0.0.1
// metric 100", "10.0.0.1/32 dev metric 100" for an on-link route.
func (r Route) String() string {
	var b strings.Builder
	b.WriteString(r.Dst.String())
	if r.OnLink {
		b.WriteString(" dev")
	} else {
		fmt.Fprintf(&b, " via %s", r.Gateway)
	}
	fmt.Fprintf(&b, " metric %d", r.Metric)
	if r.Table != 0 {
		fmt.Fprintf(&b, " table %d", r.Table)
	}
	return b.String()
}

// RouteSettings are the configuration knobs BindingFor applies.
type RouteSettings struct {
	Metric    int  // route-metric / IF_METRIC; later routers get Metric+1, +2, ...
	Classless bool // honour options 121 and 249 (classless-routes, default on)
	SetMTU    bool // honour option 26 (set-mtu, default on)
	Table     int  // routing table for every route; 0 = main
}

// BindingFor derives the Binding of a lease for addr (with its prefix)
// from the ACK's options, following SPEC §5 and RFC 3442:
//   - with Classless set, a valid option 121 (else 249) supplies all
//     routes, and options 3 and 33 are ignored (RFC 3442 §3);
//   - otherwise one default route per router of option 3, the first at
//     s.Metric and each later one a metric higher, then the option 33
//     routes at s.Metric;
//   - a gateway outside addr's prefix gets an on-link host route first,
//     so that the kernel accepts the route through it;
//   - a gateway equal to the leased address makes the route on-link;
//   - the MTU comes from option 26 when s.SetMTU and it is at least 576.
func BindingFor(addr netip.Prefix, opts dhcp4.Options, lifetime time.Duration, s RouteSettings) Binding {
	b := Binding{Addr: addr, Broadcast: broadcastFor(addr, opts), Lifetime: lifetime}
	if mtu, ok := opts.Uint16(dhcp4.OptInterfaceMTU); ok && s.SetMTU && mtu >= minMTU {
		b.MTU = int(mtu)
	}
	var routes []Route
	if cl, ok := classlessRoutes(opts, s.Classless); ok {
		routes = fromDHCP(cl, s.Metric)
	} else {
		routes = routerRoutes(opts.Addrs(dhcp4.OptRouter), s.Metric)
		if st, err := dhcp4.StaticRoutes(optData(opts, dhcp4.OptStaticRoutes)); err == nil {
			routes = append(routes, fromDHCP(st, s.Metric)...)
		}
	}
	b.Routes = withGatewayRoutes(addr, routes, s)
	return b
}

// LinkLocalBinding is the Binding of an RFC 3927 address, addr with its
// prefix: the prefix's broadcast, kept until removed, and no route
// beyond the prefix route unless defaultRoute (ipv4ll-route) adds an
// on-link default route at s's metric and table (RFC 3927 §2.6.2: every
// destination is then taken to be on the link).
func LinkLocalBinding(addr netip.Prefix, defaultRoute bool, s RouteSettings) Binding {
	b := Binding{Addr: addr, Broadcast: broadcastFor(addr, nil)}
	if defaultRoute {
		b.Routes = []Route{{Dst: netip.PrefixFrom(netip.IPv4Unspecified(), 0), OnLink: true, Metric: s.Metric, Table: s.Table}}
	}
	return b
}

// broadcastFor returns option 28 when it holds an address, else the
// subnet's directed broadcast; /31 (RFC 3021) and /32 have none.
func broadcastFor(addr netip.Prefix, opts dhcp4.Options) netip.Addr {
	if a, ok := opts.Addr(dhcp4.OptBroadcast); ok {
		return a
	}
	if !addr.Addr().Is4() || addr.Bits() >= 31 {
		return netip.Addr{}
	}
	a := addr.Addr().As4()
	host := uint32(1)<<(32-addr.Bits()) - 1
	for i := range a {
		a[i] |= byte(host >> (24 - 8*i))
	}
	return netip.AddrFrom4(a)
}

// classlessRoutes returns the routes of option 121, else of 249, when
// honoured and valid. A malformed option is ignored as a whole (RFC 3442
// §3), and so is an empty one, which RFC 3442 §2 does not allow.
func classlessRoutes(opts dhcp4.Options, honour bool) ([]dhcp4.Route, bool) {
	if !honour {
		return nil, false
	}
	for _, code := range []uint8{dhcp4.OptClasslessRoutes, dhcp4.OptMSClasslessRoute} {
		d, ok := opts.Get(code)
		if !ok || len(d) == 0 {
			continue
		}
		if r, err := dhcp4.ClasslessRoutes(d); err == nil {
			return r, true
		}
	}
	return nil, false
}

func optData(opts dhcp4.Options, code uint8) []byte {
	d, _ := opts.Get(code)
	return d
}

// routerRoutes makes one default route per usable router, in the
// server's order of preference (RFC 2132 §3.5), with rising metrics.
func routerRoutes(routers []netip.Addr, metric int) []Route {
	var out []Route
	for _, gw := range routers {
		if !gw.Is4() || gw.IsUnspecified() || gw.IsMulticast() || gw == broadcast4 {
			continue
		}
		out = append(out, Route{Dst: defaultRoute4, Gateway: gw, Metric: metric + len(out)})
	}
	return out
}

var (
	defaultRoute4 = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	broadcast4    = netip.AddrFrom4([4]byte{255, 255, 255, 255})
)

// fromDHCP converts decoded option routes; gateway 0.0.0.0 means on-link
// (RFC 3442 §3).
func fromDHCP(rs []dhcp4.Route, metric int) []Route {
	out := make([]Route, 0, len(rs))
	for _, r := range rs {
		rt := Route{Dst: r.Dst.Masked(), Gateway: r.Gateway, Metric: metric}
		if r.Gateway.IsUnspecified() {
			rt.Gateway, rt.OnLink = netip.Addr{}, true
		}
		out = append(out, rt)
	}
	return out
}
