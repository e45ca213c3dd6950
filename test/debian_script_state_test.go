//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/test/lab"
)

// debState is the kernel state of one client interface that a DHCP
// client and its script may change, read through netlink: link flags and
// MTU, IPv4 addresses and the IPv4 routes of the main table through the
// interface. Each entry is text, so that states of different labs compare
// once debNorm has replaced their subnet and interface names.
type debState struct {
	Link   string   // "up mtu 1500"
	Addrs  []string // "10.1.2.50/24 brd 10.1.2.255", sorted
	Routes []string // "192.0.2.0/24 via 10.1.2.1 metric 0 proto boot scope universe", sorted
}

func (s debState) String() string {
	return fmt.Sprintf("link: %s\naddrs: %s\nroutes:\n  %s", s.Link, strings.Join(s.Addrs, ", "), strings.Join(s.Routes, "\n  "))
}

// equal reports whether s and o hold the same state.
func (s debState) equal(o debState) bool {
	return s.Link == o.Link && slices.Equal(s.Addrs, o.Addrs) && slices.Equal(s.Routes, o.Routes)
}

// norm returns s with n applied to every entry, sorted again.
func (s debState) norm(n *strings.Replacer) debState {
	out := debState{Link: n.Replace(s.Link)}
	for _, a := range s.Addrs {
		out.Addrs = append(out.Addrs, n.Replace(a))
	}
	for _, r := range s.Routes {
		out.Routes = append(out.Routes, n.Replace(r))
	}
	slices.Sort(out.Addrs)
	slices.Sort(out.Routes)
	return out
}

// destinations lists each route as "DST via GW" only, sorted: what a
// route table means for traffic, whoever added it with whatever metric.
func (s debState) destinations() []string {
	var out []string
	for _, r := range s.Routes {
		f := strings.Fields(r)
		d := f[0]
		if len(f) >= 3 && f[1] == "via" {
			d += " via " + f[2]
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// duplicates lists the destinations that more than one route covers
// (the same prefix twice with different metrics or origins).
func (s debState) duplicates() []string {
	seen := map[string]int{}
	for _, r := range s.Routes {
		seen[strings.Fields(r)[0]]++
	}
	var out []string
	for d, n := range seen {
		if n > 1 {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// has reports whether the interface holds address a (any prefix).
func (s debState) has(a netip.Addr) bool {
	return slices.ContainsFunc(s.Addrs, func(x string) bool { return strings.HasPrefix(x, a.String()+"/") })
}

// debSnapshot reads the state of the client interface ifname.
func debSnapshot(t *testing.T, l *lab.Lab, ifname string) debState {
	t.Helper()
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatalf("find %s: %v", ifname, err)
	}
	a := link.Attrs()
	updown := "down"
	if a.RawFlags&1 != 0 { // IFF_UP
		updown = "up"
	}
	s := debState{Link: fmt.Sprintf("%s mtu %d", updown, a.MTU)}
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatalf("addresses of %s: %v", ifname, err)
	}
	for _, ad := range addrs {
		e := ad.IPNet.String()
		if ad.Broadcast != nil {
			e += " brd " + ad.Broadcast.String()
		}
		s.Addrs = append(s.Addrs, e)
	}
	routes, err := h.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatalf("routes of %s: %v", ifname, err)
	}
	for _, r := range routes {
		s.Routes = append(s.Routes, debRouteText(r))
	}
	slices.Sort(s.Addrs)
	slices.Sort(s.Routes)
	return s
}

// debRouteText renders r like ip-route(8), every attribute spelt out.
func debRouteText(r netlink.Route) string {
	dst := "default"
	if r.Dst != nil {
		if ones, _ := r.Dst.Mask.Size(); ones != 0 || !r.Dst.IP.IsUnspecified() {
			dst = r.Dst.String()
		}
	}
	var b strings.Builder
	b.WriteString(dst)
	if r.Gw != nil {
		fmt.Fprintf(&b, " via %v", r.Gw)
	}
	fmt.Fprintf(&b, " metric %d proto %v scope %v", r.Priority, r.Protocol, r.Scope)
	if r.Src != nil {
		fmt.Fprintf(&b, " src %v", r.Src)
	}
	return b.String()
}

// debNorm replaces what differs between labs in texts taken from them:
// the subnet's first three octets ("10.123.45." becomes "NET.", and
// "10,123,45," in ISC's lease-file form of option 121 "NET,") and the
// client interface's name ("IF"), so that runs in different labs compare.
func debNorm(l *lab.Lab, ifname string) *strings.Replacer {
	b := l.Subnet().Addr().As4()
	return strings.NewReplacer(fmt.Sprintf("%d.%d.%d.", b[0], b[1], b[2]), "NET.",
		fmt.Sprintf("%d,%d,%d,", b[0], b[1], b[2]), "NET,", ifname, "IF")
}
