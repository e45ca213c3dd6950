package platform

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func ip4(s ...string) []byte {
	var b []byte
	for _, a := range s {
		b = append(b, netip.MustParseAddr(a).AsSlice()...)
	}
	return b
}

func classless(pairs ...string) []byte {
	var rs []dhcp4.Route
	for i := 0; i < len(pairs); i += 2 {
		rs = append(rs, dhcp4.Route{Dst: netip.MustParsePrefix(pairs[i]), Gateway: netip.MustParseAddr(pairs[i+1])})
	}
	return dhcp4.AppendClasslessRoutes(nil, rs)
}

func TestBindingForRoutes(t *testing.T) {
	lease := netip.MustParsePrefix("10.77.0.23/24")
	on := RouteSettings{Metric: 100, Classless: true, SetMTU: true}
	off := RouteSettings{Metric: 100, SetMTU: true}
	tests := []struct {
		name string
		addr netip.Prefix
		opts dhcp4.Options
		s    RouteSettings
		want []string
	}{
		{"no routers", lease, nil, on, nil},
		{"one router", lease, dhcp4.Options{{Code: 3, Data: ip4("10.77.0.1")}}, on,
			[]string{"0.0.0.0/0 via 10.77.0.1 metric 100"}},
		{"later routers metric+1", lease, dhcp4.Options{{Code: 3, Data: ip4("10.77.0.1", "10.77.0.2", "10.77.0.3")}}, on,
			[]string{"0.0.0.0/0 via 10.77.0.1 metric 100", "0.0.0.0/0 via 10.77.0.2 metric 101", "0.0.0.0/0 via 10.77.0.3 metric 102"}},
		{"unusable routers skipped", lease, dhcp4.Options{{Code: 3, Data: ip4("0.0.0.0", "255.255.255.255", "224.0.0.1", "10.77.0.1")}}, on,
			[]string{"0.0.0.0/0 via 10.77.0.1 metric 100"}},
		{"router option of bad length ignored", lease, dhcp4.Options{{Code: 3, Data: []byte{10, 77, 0}}}, on, nil},
		{"121 replaces routers (RFC 3442 §3)", lease, dhcp4.Options{
			{Code: 3, Data: ip4("10.77.0.1")},
			{Code: 121, Data: classless("192.168.50.0/24", "10.77.0.9", "0.0.0.0/0", "10.77.0.254")},
		}, on, []string{"192.168.50.0/24 via 10.77.0.9 metric 100", "0.0.0.0/0 via 10.77.0.254 metric 100"}},
		{"121 also replaces option 33", lease, dhcp4.Options{
			{Code: 33, Data: ip4("192.168.9.0", "10.77.0.7")},
			{Code: 121, Data: classless("172.16.0.0/12", "10.77.0.9")},
		}, on, []string{"172.16.0.0/12 via 10.77.0.9 metric 100"}},
		{"121 gateway 0.0.0.0 is on-link", lease, dhcp4.Options{{Code: 121, Data: classless("10.99.0.0/16", "0.0.0.0")}}, on,
			[]string{"10.99.0.0/16 dev metric 100"}},
		{"249 when 121 absent", lease, dhcp4.Options{
			{Code: 3, Data: ip4("10.77.0.1")},
			{Code: 249, Data: classless("10.10.0.0/16", "10.77.0.5")},
		}, on, []string{"10.10.0.0/16 via 10.77.0.5 metric 100"}},
		{"121 wins over 249", lease, dhcp4.Options{
			{Code: 249, Data: classless("10.10.0.0/16", "10.77.0.5")},
			{Code: 121, Data: classless("10.20.0.0/16", "10.77.0.6")},
		}, on, []string{"10.20.0.0/16 via 10.77.0.6 metric 100"}},
		{"malformed 121 ignored as a whole", lease, dhcp4.Options{
			{Code: 3, Data: ip4("10.77.0.1")},
			{Code: 121, Data: append(classless("10.20.0.0/16", "10.77.0.6"), 33, 1, 2, 3, 4, 5)},
		}, on, []string{"0.0.0.0/0 via 10.77.0.1 metric 100"}},
		{"empty 121 ignored", lease, dhcp4.Options{{Code: 3, Data: ip4("10.77.0.1")}, {Code: 121, Data: []byte{}}}, on,
			[]string{"0.0.0.0/0 via 10.77.0.1 metric 100"}},
		{"classless off: routers and 33", lease, dhcp4.Options{
			{Code: 3, Data: ip4("10.77.0.1")},
			{Code: 33, Data: ip4("192.168.9.0", "10.77.0.7")},
			{Code: 121, Data: classless("10.20.0.0/16", "10.77.0.6")},
		}, off, []string{"0.0.0.0/0 via 10.77.0.1 metric 100", "192.168.9.0/24 via 10.77.0.7 metric 100"}},
		{"gateway outside the subnet gets a host route first", netip.MustParsePrefix("10.77.0.23/32"),
			dhcp4.Options{{Code: 3, Data: ip4("10.77.0.1", "10.77.0.2")}}, on, []string{
				"10.77.0.1/32 dev metric 100", "0.0.0.0/0 via 10.77.0.1 metric 100",
				"10.77.0.2/32 dev metric 100", "0.0.0.0/0 via 10.77.0.2 metric 101"}},
		{"host route once per gateway", lease, dhcp4.Options{
			{Code: 121, Data: classless("10.1.0.0/16", "192.0.2.1", "10.2.0.0/16", "192.0.2.1")},
		}, on, []string{"192.0.2.1/32 dev metric 100", "10.1.0.0/16 via 192.0.2.1 metric 100", "10.2.0.0/16 via 192.0.2.1 metric 100"}},
		{"gateway reachable through an earlier on-link route", lease, dhcp4.Options{
			{Code: 121, Data: classless("192.0.2.0/24", "0.0.0.0", "0.0.0.0/0", "192.0.2.1")},
		}, on, []string{"192.0.2.0/24 dev metric 100", "0.0.0.0/0 via 192.0.2.1 metric 100"}},
		{"router equal to the leased address is on-link", lease, dhcp4.Options{{Code: 3, Data: ip4("10.77.0.23")}}, on,
			[]string{"0.0.0.0/0 dev metric 100"}},
		{"same key twice keeps the first", lease, dhcp4.Options{
			{Code: 121, Data: classless("0.0.0.0/0", "10.77.0.1", "0.0.0.0/0", "10.77.0.2")},
		}, on, []string{"0.0.0.0/0 via 10.77.0.1 metric 100"}},
		{"table applies to all", lease, dhcp4.Options{{Code: 3, Data: ip4("10.77.0.1")}}, RouteSettings{Metric: 5, Classless: true, Table: 42},
			[]string{"0.0.0.0/0 via 10.77.0.1 metric 5 table 42"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := BindingFor(tt.addr, tt.opts, time.Hour, tt.s)
			var got []string
			for _, r := range b.Routes {
				got = append(got, r.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("routes:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestBindingForAddressMTU(t *testing.T) {
	mtu := func(v uint16) dhcp4.Options { return dhcp4.Options{{Code: 26, Data: []byte{byte(v >> 8), byte(v)}}} }
	tests := []struct {
		name      string
		addr      string
		opts      dhcp4.Options
		setMTU    bool
		broadcast string
		mtu       int
	}{
		{"computed broadcast /24", "10.77.0.23/24", nil, true, "10.77.0.255", 0},
		{"computed broadcast /20", "172.16.5.9/20", nil, true, "172.16.15.255", 0},
		{"option 28 wins", "10.77.0.23/24", dhcp4.Options{{Code: 28, Data: ip4("10.77.255.255")}}, true, "10.77.255.255", 0},
		{"no broadcast on /31", "10.0.0.0/31", nil, true, "invalid IP", 0},
		{"no broadcast on /32", "10.0.0.1/32", nil, true, "invalid IP", 0},
		{"mtu 1400", "10.77.0.23/24", mtu(1400), true, "10.77.0.255", 1400},
		{"mtu 576 is the floor", "10.77.0.23/24", mtu(576), true, "10.77.0.255", 576},
		{"mtu 575 ignored", "10.77.0.23/24", mtu(575), true, "10.77.0.255", 0},
		{"set-mtu off", "10.77.0.23/24", mtu(1400), false, "10.77.0.255", 0},
		{"mtu of bad length ignored", "10.77.0.23/24", dhcp4.Options{{Code: 26, Data: []byte{5, 0, 0}}}, true, "10.77.0.255", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := BindingFor(netip.MustParsePrefix(tt.addr), tt.opts, 90*time.Second, RouteSettings{SetMTU: tt.setMTU})
			if b.Broadcast.String() != tt.broadcast || b.MTU != tt.mtu || b.Lifetime != 90*time.Second || b.Addr.String() != tt.addr {
				t.Errorf("got %v brd %v mtu %d lifetime %v, want %s brd %s mtu %d lifetime 1m30s",
					b.Addr, b.Broadcast, b.MTU, b.Lifetime, tt.addr, tt.broadcast, tt.mtu)
			}
		})
	}
}

// A link-local address is its /16 with 169.254.255.255 as broadcast,
// forever; only with defaultRoute does a route come along, on-link, at
// the lease routes' metric and table.
func TestLinkLocalBinding(t *testing.T) {
	a := netip.MustParsePrefix("169.254.7.9/16")
	s := RouteSettings{Metric: 50, Table: 7}
	plain := LinkLocalBinding(a, false, s)
	if plain.Addr != a || plain.Broadcast.String() != "169.254.255.255" || plain.Lifetime != 0 || len(plain.Routes) != 0 || plain.MTU != 0 {
		t.Errorf("without default route: %+v", plain)
	}
	routed := LinkLocalBinding(a, true, s)
	if len(routed.Routes) != 1 || routed.Routes[0].String() != "0.0.0.0/0 dev metric 50 table 7" {
		t.Errorf("with default route: routes %v, want 0.0.0.0/0 dev metric 50 table 7", routed.Routes)
	}
}
