package fakeserver

import (
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestDORAHandsOutTheFirstFreeAddress(t *testing.T) {
	s := newServer(t, testConfig())
	off := one(t, s, msg(dhcp4.Discover, hwA, nil))
	if off.Msg.Type() != dhcp4.Offer {
		t.Fatalf("got %v, want DHCPOFFER", off.Msg.Type())
	}
	want := netip.MustParseAddr("10.9.8.100")
	if off.Msg.YIAddr != want || off.To != broadcast68() {
		t.Fatalf("offer of %v to %v, want %v to %v", off.Msg.YIAddr, off.To, want, broadcast68())
	}
	if lt, _ := off.Msg.LeaseTime(); lt != 3600 {
		t.Errorf("lease time %d, want 3600", lt)
	}
	if mtu, _ := off.Msg.Options.Uint16(dhcp4.OptInterfaceMTU); mtu != 1400 {
		t.Errorf("mtu %d, want 1400", mtu)
	}
	if m, _ := off.Msg.Options.Addr(dhcp4.OptSubnetMask); m != netip.MustParseAddr("255.255.255.0") {
		t.Errorf("mask %v, want 255.255.255.0", m)
	}
	ack := one(t, s, msg(dhcp4.Request, hwA, requesting(want, serverID)))
	if ack.Msg.Type() != dhcp4.Ack || ack.Msg.YIAddr != want {
		t.Fatalf("got %v of %v, want DHCPACK of %v", ack.Msg.Type(), ack.Msg.YIAddr, want)
	}
	if got, ok := s.Binding("hw:" + hwA.String()); !ok || got != want {
		t.Errorf("binding %v %v, want %v", got, ok, want)
	}
	if n := len(s.Received()); n != 2 {
		t.Errorf("received %d messages, want 2", n)
	}
}

func TestSecondClientGetsAnotherAddressUntilThePoolRunsOut(t *testing.T) {
	s := newServer(t, testConfig())
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	b := one(t, s, msg(dhcp4.Discover, hwB, nil)).Msg.YIAddr
	if a == b {
		t.Fatalf("both clients offered %v", a)
	}
	hwC := append(hwB[:5:5], 0xc)
	none(t, s, msg(dhcp4.Discover, hwC, nil))
}

func TestRequestForAnotherServerIsIgnored(t *testing.T) {
	s := newServer(t, testConfig())
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	none(t, s, msg(dhcp4.Request, hwA, requesting(a, netip.MustParseAddr("10.9.8.2"))))
}

func TestInitRebootOnAnotherNetworkIsNAKed(t *testing.T) {
	s := newServer(t, testConfig())
	r := one(t, s, msg(dhcp4.Request, hwA, requesting(netip.MustParseAddr("192.168.1.5"), netip.Addr{})))
	if r.Msg.Type() != dhcp4.Nak || r.To != broadcast68() {
		t.Fatalf("got %v to %v, want DHCPNAK to %v", r.Msg.Type(), r.To, broadcast68())
	}
	if r.Msg.Options.Has(dhcp4.OptLeaseTime) || r.Msg.YIAddr.IsValid() && !r.Msg.YIAddr.IsUnspecified() {
		t.Errorf("NAK carries a lease: %+v", r.Msg)
	}
}

func TestInitRebootForAnAddressHeldByAnotherClientIsNAKed(t *testing.T) {
	s := newServer(t, testConfig())
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
	r := one(t, s, msg(dhcp4.Request, hwB, requesting(a, netip.Addr{})))
	if r.Msg.Type() != dhcp4.Nak {
		t.Fatalf("got %v, want DHCPNAK", r.Msg.Type())
	}
}

func TestRenewalIsAnsweredByUnicast(t *testing.T) {
	s := newServer(t, testConfig())
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
	r := one(t, s, msg(dhcp4.Request, hwA, func(m *dhcp4.Message) { m.CIAddr, m.Flags = a, 0 }))
	if r.Msg.Type() != dhcp4.Ack || r.To != netip.AddrPortFrom(a, 68) {
		t.Fatalf("got %v to %v, want DHCPACK to %v:68", r.Msg.Type(), r.To, a)
	}
}

func TestRelayedMessageIsAnsweredToTheRelay(t *testing.T) {
	s := newServer(t, testConfig())
	relay := netip.MustParseAddr("10.9.8.254")
	r := one(t, s, msg(dhcp4.Discover, hwA, func(m *dhcp4.Message) { m.GIAddr = relay }))
	if r.To != netip.AddrPortFrom(relay, 67) {
		t.Fatalf("reply to %v, want %v:67", r.To, relay)
	}
}

func TestReleaseFreesAndDeclineRetiresTheAddress(t *testing.T) {
	s := newServer(t, testConfig())
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
	none(t, s, msg(dhcp4.Release, hwA, func(m *dhcp4.Message) { m.CIAddr = a }))
	if got := one(t, s, msg(dhcp4.Discover, hwB, nil)).Msg.YIAddr; got != a {
		t.Fatalf("after release offered %v, want the freed %v", got, a)
	}
	none(t, s, msg(dhcp4.Decline, hwB, requesting(a, serverID)))
	if got := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr; got == a {
		t.Fatalf("declined address %v offered again", a)
	}
}

func TestExpiredLeaseIsReused(t *testing.T) {
	cfg := testConfig()
	now := cfg.Now()
	cfg.Now = func() time.Time { return now }
	cfg.RangeEnd = cfg.RangeStart
	s := newServer(t, cfg)
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
	none(t, s, msg(dhcp4.Discover, hwB, nil))
	now = now.Add(cfg.LeaseTime + time.Second)
	if got := one(t, s, msg(dhcp4.Discover, hwB, nil)).Msg.YIAddr; got != a {
		t.Fatalf("offered %v after expiry, want %v", got, a)
	}
}

func TestInformIsAcknowledgedWithoutALease(t *testing.T) {
	s := newServer(t, testConfig())
	ci := netip.MustParseAddr("10.9.8.50")
	r := one(t, s, msg(dhcp4.Inform, hwA, func(m *dhcp4.Message) { m.CIAddr = ci }))
	if r.Msg.Type() != dhcp4.Ack || r.Msg.Options.Has(dhcp4.OptLeaseTime) {
		t.Fatalf("got %v with lease time %v, want DHCPACK without one", r.Msg.Type(), r.Msg.Options.Has(dhcp4.OptLeaseTime))
	}
	if r.To != netip.AddrPortFrom(ci, 68) {
		t.Errorf("reply to %v, want %v:68", r.To, ci)
	}
}

func TestNewRejectsBadConfigs(t *testing.T) {
	for name, edit := range map[string]func(*Config){
		"no server id":      func(c *Config) { c.ServerID = netip.Addr{} },
		"range outside":     func(c *Config) { c.RangeEnd = netip.MustParseAddr("10.9.9.1") },
		"range upside down": func(c *Config) { c.RangeStart, c.RangeEnd = c.RangeEnd, c.RangeStart },
		"IPv6 server id":    func(c *Config) { c.ServerID = netip.MustParseAddr("::1") },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := testConfig()
			edit(&cfg)
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted the config")
			}
		})
	}
}
