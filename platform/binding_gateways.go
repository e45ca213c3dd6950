package platform

import "net/netip"

// withGatewayRoutes puts, before the first route through each gateway
// that neither the leased prefix nor an earlier on-link route covers, an
// on-link host route to that gateway, so that the kernel can resolve it
// (dhclient-script does the same for /32 leases). A gateway equal to the
// leased address turns its route on-link. A route whose kernel key
// (destination, metric, table) an earlier route already uses is dropped,
// as the kernel would let only one of them exist; every route gets
// s.Table.
func withGatewayRoutes(addr netip.Prefix, routes []Route, s RouteSettings) []Route {
	out := make([]Route, 0, len(routes))
	onLink := []netip.Prefix{addr.Masked()}
	add := func(r Route) {
		r.Table = s.Table
		for _, o := range out {
			if o.Dst == r.Dst && o.Metric == r.Metric {
				return
			}
		}
		out = append(out, r)
		if r.OnLink {
			onLink = append(onLink, r.Dst)
		}
	}
	for _, r := range routes {
		if !r.OnLink && r.Gateway == addr.Addr() {
			r.Gateway, r.OnLink = netip.Addr{}, true
		}
		if !r.OnLink && !covered(onLink, r.Gateway) {
			add(Route{Dst: netip.PrefixFrom(r.Gateway, 32), OnLink: true, Metric: s.Metric})
		}
		add(r)
	}
	return out
}

func covered(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
