package main

import (
	"net/netip"
	"testing"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
)

// A link-local address is a /16 with 169.254.255.255 as broadcast; only
// ipv4ll-route adds a default route, on-link, at the lease's metric.
func TestLinkLocalBinding(t *testing.T) {
	a := netip.MustParseAddr("169.254.7.9")
	s := config.New().For("eth0")
	plain := openLink(client.LinkSpec{Name: "eth0", Settings: s, Metric: 50}).(*link).linkLocalBinding(a)
	if plain.Addr.String() != "169.254.7.9/16" || plain.Broadcast.String() != "169.254.255.255" || len(plain.Routes) != 0 {
		t.Errorf("without ipv4ll-route: %+v", plain)
	}
	s.IPv4LLRoute = true
	routed := openLink(client.LinkSpec{Name: "eth0", Settings: s, Metric: 50}).(*link).linkLocalBinding(a)
	if len(routed.Routes) != 1 || routed.Routes[0].String() != "0.0.0.0/0 dev metric 50" {
		t.Errorf("with ipv4ll-route: routes %v, want 0.0.0.0/0 dev metric 50", routed.Routes)
	}
}
