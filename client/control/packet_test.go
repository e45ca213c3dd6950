package control

import (
	"net/netip"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestNewPacket(t *testing.T) {
	m := testAck()
	m.Options = append(m.Options,
		dhcp4.Option{Code: dhcp4.OptDNS, Data: []byte{192, 0, 2, 53}},
		dhcp4.Option{Code: dhcp4.OptDNS, Data: []byte{192, 0, 2, 54}}, // RFC 3396 second piece
		dhcp4.Option{Code: dhcp4.OptRouter, Data: []byte{1, 2, 3}},    // does not fit ip-address
		dhcp4.Option{Code: 250, Data: []byte("x")},
	)
	p := NewPacket(m, nil)
	if p.Op != "BOOTREPLY" || p.XID != "0x1234abcd" || p.CHAddr != "02:00:00:00:00:01" || p.Type != "DHCPACK" {
		t.Errorf("fixed fields: got %+v", p)
	}
	if p.YIAddr != netip.MustParseAddr("192.0.2.10") {
		t.Errorf("got yiaddr %v", p.YIAddr)
	}
	want := []PacketOption{
		{53, "dhcp-message-type", "5"},
		{54, "dhcp-server-identifier", "192.0.2.1"},
		{51, "dhcp-lease-time", "600"},
		{1, "subnet-mask", "255.255.255.0"},
		{42, "ntp-servers", "192.0.2.123 192.0.2.124"},
		{6, "domain-name-servers", "192.0.2.53 192.0.2.54"},
		{3, "routers", "01:02:03"},
		{250, "unknown-250", "x"},
	}
	if len(p.Options) != len(want) {
		t.Fatalf("got %d options %+v, want %d", len(p.Options), p.Options, len(want))
	}
	for i := range want {
		if p.Options[i] != want[i] {
			t.Errorf("option %d: got %+v, want %+v", i, p.Options[i], want[i])
		}
	}
}

func TestNewPacketUsesCustomCatalogue(t *testing.T) {
	cat := dhcp4.NewCatalogue()
	typ, err := dhcp4.ParseType("ip-address")
	if err != nil {
		t.Fatal(err)
	}
	cat.Define(dhcp4.Def{Name: "xgrid-controller", Code: 250, Type: typ})
	m := testAck()
	m.Options.Set(250, []byte{10, 0, 0, 1})
	p := NewPacket(m, cat)
	last := p.Options[len(p.Options)-1]
	if last != (PacketOption{250, "xgrid-controller", "10.0.0.1"}) {
		t.Errorf("got %+v, want xgrid-controller 10.0.0.1 (SPEC §1.5)", last)
	}
}

func TestNewPacketOddOp(t *testing.T) {
	p := NewPacket(&dhcp4.Message{Op: 9, HLen: 200}, nil)
	if p.Op != "op-9" || len(p.CHAddr) != 16*3-1 {
		t.Errorf("got op %q chaddr %q, want op-9 and 16 bytes", p.Op, p.CHAddr)
	}
}
