//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// server is what a test needs from any of the lab's servers.
type server interface{ Log() string }

// serverKind starts one kind of server and names its log phrases.
type serverKind struct {
	name    string
	start   func(*lab.Lab, testing.TB, lab.ServerOpts) server
	ack     func(a netip.Addr) string // logged when the server ACKs a
	release func(a netip.Addr) string // logged when a release reaches it
}

var serverKinds = []serverKind{
	{
		name:    "dnsmasq",
		start:   func(l *lab.Lab, t testing.TB, o lab.ServerOpts) server { return l.StartDnsmasq(t, o) },
		ack:     func(a netip.Addr) string { return fmt.Sprintf("DHCPACK(%%s) %v ", a) },
		release: func(a netip.Addr) string { return fmt.Sprintf("DHCPRELEASE(%%s) %v ", a) },
	},
	{
		name:    "dhcpd",
		start:   func(l *lab.Lab, t testing.TB, o lab.ServerOpts) server { return l.StartDhcpd(t, o) },
		ack:     func(a netip.Addr) string { return fmt.Sprintf("DHCPACK on %v to ", a) },
		release: func(a netip.Addr) string { return fmt.Sprintf("DHCPRELEASE of %v from ", a) },
	},
	{
		name:    "kea",
		start:   func(l *lab.Lab, t testing.TB, o lab.ServerOpts) server { return l.StartKea(t, o) },
		ack:     func(a netip.Addr) string { return fmt.Sprintf("lease %v has been allocated", a) },
		release: func(a netip.Addr) string { return fmt.Sprintf("address %v was released properly", a) },
	},
	{
		name:    "fake",
		start:   func(l *lab.Lab, t testing.TB, o lab.ServerOpts) server { return l.StartFake(t, l.FakeConfig(o)) },
		ack:     func(a netip.Addr) string { return fmt.Sprintf("DHCPACK on %v to ", a) },
		release: func(a netip.Addr) string { return fmt.Sprintf("DHCPRELEASE of %v from ", a) },
	},
}

// TestServersHandOutConfiguredLeases proves the lab without leased: each
// server, started with the lab's full option set, offers and acknowledges
// an address in its range with every configured option, and sees the
// release.
func TestServersHandOutConfiguredLeases(t *testing.T) {
	for _, k := range serverKinds {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			l := lab.New(t)
			opts := l.DefaultOpts()
			opts.LeaseTime = 300 * time.Second
			srv := k.start(l, t, opts)
			p := l.NewProbe(t, l.ClientIf())

			offer := p.Discover(t, 20*time.Second)
			checkLease(t, l, opts, offer)
			ack := p.Request(t, offer, 10*time.Second)
			if ack.Type() != dhcp4.Ack || ack.YIAddr != offer.YIAddr {
				t.Fatalf("got %v of %v, want DHCPACK of %v", ack.Type(), ack.YIAddr, offer.YIAddr)
			}
			checkLease(t, l, opts, ack)
			lab.WaitLog(t, srv.Log(), logPhrase(k.ack(ack.YIAddr), l), 10*time.Second)

			p.Release(t, ack.YIAddr, l.ServerAddr())
			lab.WaitLog(t, srv.Log(), logPhrase(k.release(ack.YIAddr), l), 10*time.Second)
		})
	}
}

// logPhrase fills in the server interface where a phrase has a %s.
func logPhrase(p string, l *lab.Lab) string {
	if slices.Contains([]byte(p), '%') {
		return fmt.Sprintf(p, l.ServerIf())
	}
	return p
}

// checkLease compares an OFFER or ACK with what the server was told to
// hand out.
func checkLease(t *testing.T, l *lab.Lab, o lab.ServerOpts, m *dhcp4.Message) {
	t.Helper()
	first, last := l.Host(100), l.Host(199)
	if m.YIAddr.Less(first) || last.Less(m.YIAddr) {
		t.Errorf("%v: address %v outside %v-%v", m.Type(), m.YIAddr, first, last)
	}
	if id, _ := m.ServerID(); id != l.ServerAddr() {
		t.Errorf("%v: server id %v, want %v", m.Type(), id, l.ServerAddr())
	}
	if lt, _ := m.LeaseTime(); time.Duration(lt)*time.Second != o.LeaseTime {
		t.Errorf("%v: lease time %ds, want %v", m.Type(), lt, o.LeaseTime)
	}
	wantAddr := map[uint8]netip.Addr{
		dhcp4.OptSubnetMask: netip.MustParseAddr("255.255.255.0"),
		dhcp4.OptRouter:     o.Routers[0],
		dhcp4.OptDNS:        o.DNS[0],
		dhcp4.OptNTPServers: o.NTP[0],
	}
	for code, want := range wantAddr {
		if got := m.Options.Addrs(code); len(got) != 1 || got[0] != want {
			t.Errorf("%v: option %d = %v, want [%v]", m.Type(), code, got, want)
		}
	}
	if d, _ := m.Options.Get(dhcp4.OptDomainName); string(d) != o.DomainName {
		t.Errorf("%v: domain name %q, want %q", m.Type(), d, o.DomainName)
	}
	if mtu, _ := m.Options.Uint16(dhcp4.OptInterfaceMTU); int(mtu) != o.MTU {
		t.Errorf("%v: mtu %d, want %d", m.Type(), mtu, o.MTU)
	}
	d, _ := m.Options.Get(dhcp4.OptClasslessRoutes)
	routes, err := dhcp4.ClasslessRoutes(d)
	if err != nil || !slices.Equal(routes, o.ClasslessRoutes) {
		t.Errorf("%v: classless routes %v (%v), want %v", m.Type(), routes, err, o.ClasslessRoutes)
	}
}
