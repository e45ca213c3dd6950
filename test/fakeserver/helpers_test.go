package fakeserver

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

var (
	serverID = netip.MustParseAddr("10.9.8.1")
	hwA      = net.HardwareAddr{0x02, 0, 0, 0, 0, 0xa}
	hwB      = net.HardwareAddr{0x02, 0, 0, 0, 0, 0xb}
)

// testConfig is a two-address server with a router and an MTU option.
func testConfig() Config {
	var opts dhcp4.Options
	opts.SetAddr(dhcp4.OptRouter, serverID)
	opts.SetUint16(dhcp4.OptInterfaceMTU, 1400)
	return Config{
		Interface:  "veth0",
		ServerID:   serverID,
		Subnet:     netip.MustParsePrefix("10.9.8.0/24"),
		RangeStart: netip.MustParseAddr("10.9.8.100"),
		RangeEnd:   netip.MustParseAddr("10.9.8.101"),
		LeaseTime:  time.Hour,
		Options:    opts,
		Now:        func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
}

func newServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// msg builds a client message; edit sets anything beyond type and hw.
func msg(mt dhcp4.MessageType, hw net.HardwareAddr, edit func(*dhcp4.Message)) *dhcp4.Message {
	m := &dhcp4.Message{Op: dhcp4.BootRequest, XID: 0x1234, Flags: dhcp4.FlagBroadcast}
	m.SetHardwareAddr(hw)
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(mt)})
	if edit != nil {
		edit(m)
	}
	return m
}

func requesting(a netip.Addr, sid netip.Addr) func(*dhcp4.Message) {
	return func(m *dhcp4.Message) {
		m.Options.SetAddr(dhcp4.OptRequestedIP, a)
		if sid.IsValid() {
			m.Options.SetAddr(dhcp4.OptServerID, sid)
		}
	}
}

// one handles m and requires exactly one reply, checked to parse back.
func one(t *testing.T, s *Server, m *dhcp4.Message) Reply {
	t.Helper()
	rs := s.Handle(m)
	if len(rs) != 1 {
		t.Fatalf("got %d replies to %v, want 1", len(rs), m.Type())
	}
	if rs[0].Msg != nil {
		back, err := dhcp4.Parse(rs[0].Wire)
		if err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
		if back.XID != m.XID || back.Op != dhcp4.BootReply {
			t.Fatalf("reply xid %#x op %v, want xid %#x op reply", back.XID, back.Op, m.XID)
		}
	}
	return rs[0]
}

func none(t *testing.T, s *Server, m *dhcp4.Message) {
	t.Helper()
	if rs := s.Handle(m); len(rs) != 0 {
		t.Fatalf("got %d replies to %v (first %v), want none", len(rs), m.Type(), rs[0].Msg.Type())
	}
}

func broadcast68() netip.AddrPort { return netip.MustParseAddrPort("255.255.255.255:68") }
