package fakeserver

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestScriptDropsTheFirstDiscovers(t *testing.T) {
	cfg := testConfig()
	cfg.Script = Script{{On: dhcp4.Discover, Count: 2, Drop: true}}
	s := newServer(t, cfg)
	none(t, s, msg(dhcp4.Discover, hwA, nil))
	none(t, s, msg(dhcp4.Discover, hwA, nil))
	if r := one(t, s, msg(dhcp4.Discover, hwA, nil)); r.Msg.Type() != dhcp4.Offer {
		t.Fatalf("third discover got %v, want DHCPOFFER", r.Msg.Type())
	}
	if n := len(s.Received()); n != 3 {
		t.Errorf("received %d, want 3 (drops are recorded)", n)
	}
}

func TestScriptStepsApplyInOrderAndOnlyToTheirType(t *testing.T) {
	cfg := testConfig()
	cfg.Script = Script{
		{On: dhcp4.Request, Count: 1, NAK: true},
		{On: dhcp4.Request, LeaseTime: 30 * time.Second},
	}
	s := newServer(t, cfg)
	a := one(t, s, msg(dhcp4.Discover, hwA, nil)).Msg.YIAddr
	if r := one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID))); r.Msg.Type() != dhcp4.Nak {
		t.Fatalf("first request got %v, want DHCPNAK", r.Msg.Type())
	}
	for range 2 {
		r := one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
		if lt, _ := r.Msg.LeaseTime(); r.Msg.Type() != dhcp4.Ack || lt != 30 {
			t.Fatalf("got %v with lease %d, want DHCPACK with 30", r.Msg.Type(), lt)
		}
	}
}

func TestScriptSwitchesTheServerID(t *testing.T) {
	cfg := testConfig()
	other := netip.MustParseAddr("10.9.8.2")
	cfg.Script = Script{{On: dhcp4.Discover, ServerID: other}}
	s := newServer(t, cfg)
	off := one(t, s, msg(dhcp4.Discover, hwA, nil))
	if id, _ := off.Msg.ServerID(); id != other {
		t.Fatalf("offer server id %v, want %v", id, other)
	}
	// The switched identifier is ours now, so a REQUEST naming it is served.
	if r := one(t, s, msg(dhcp4.Request, hwA, requesting(off.Msg.YIAddr, other))); r.Msg.Type() != dhcp4.Ack {
		t.Fatalf("got %v, want DHCPACK", r.Msg.Type())
	}
}

func TestScriptMalformedReplyDoesNotParse(t *testing.T) {
	cfg := testConfig()
	cfg.Script = Script{{Malformed: true, Count: 1}}
	s := newServer(t, cfg)
	r := one(t, s, msg(dhcp4.Discover, hwA, nil))
	if r.Msg != nil {
		t.Fatal("malformed reply still carries a message")
	}
	if _, err := dhcp4.Parse(r.Wire); !errors.Is(err, dhcp4.ErrTruncated) {
		t.Fatalf("parse error %v, want ErrTruncated", err)
	}
}

func TestScriptDelayAndEdit(t *testing.T) {
	cfg := testConfig()
	cfg.Script = Script{{Delay: 2 * time.Second, Edit: func(m *dhcp4.Message) { m.Options.Del(dhcp4.OptInterfaceMTU) }}}
	s := newServer(t, cfg)
	r := one(t, s, msg(dhcp4.Discover, hwA, nil))
	if r.Delay != 2*time.Second {
		t.Errorf("delay %v, want 2s", r.Delay)
	}
	back, _ := dhcp4.Parse(r.Wire)
	if back.Options.Has(dhcp4.OptInterfaceMTU) {
		t.Error("edit did not reach the wire")
	}
}

func TestSetScriptRestartsCounts(t *testing.T) {
	s := newServer(t, testConfig())
	one(t, s, msg(dhcp4.Discover, hwA, nil))
	s.SetScript(Script{{On: dhcp4.Discover, Count: 1, Drop: true}})
	none(t, s, msg(dhcp4.Discover, hwA, nil))
	one(t, s, msg(dhcp4.Discover, hwA, nil))
}
