package statemachine

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

var reconfKey = []byte("0123456789abcdef")

// forceRenew is a DHCPFORCERENEW from srv with replay value replay,
// signed under key (nil: no option 90), as it arrives: decoded and raw.
func forceRenew(t *testing.T, key []byte, replay uint64) Received {
	t.Helper()
	m := reply(dhcp4.ForceRenew, netip.IPv4Unspecified(), srv, 0)
	m.XID = 0x7777 // the server's own xid
	m.Options.Del(dhcp4.OptSubnetMask)
	if key != nil {
		m.Options.Set(dhcp4.OptAuthentication, dhcp4.HMACAuth(replay))
	}
	wire, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if key != nil {
		if err := dhcp4.SignForceRenew(wire, key); err != nil {
			t.Fatal(err)
		}
	}
	dec, err := dhcp4.Parse(wire)
	if err != nil {
		t.Fatal(err)
	}
	return Received{Msg: dec, Raw: wire, From: srv}
}

// keyedBound reaches BOUND with an ACK that carries the reconfigure key
// (RFC 6704 §3.1) with replay value 5.
func keyedBound(h *harness) {
	h.t.Helper()
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, ack(addr, srv, dhcp4.Option{Code: dhcp4.OptAuthentication, Data: dhcp4.KeyAuth(reconfKey, 5)}))
	h.do(0, HookResult{Reason: ReasonBound})
	if h.m.State() != StateBound {
		h.t.Fatalf("setup: state %v", h.m.State())
	}
}

// TestForceRenewTranscripts: with forcerenew on, a FORCERENEW signed with
// the key of the ACK starts RENEWING at once; unsigned, wrongly keyed and
// replayed ones, and any with forcerenew off, are dropped.
func TestForceRenewTranscripts(t *testing.T) {
	on := func(c *Config) { c.ForceRenew = true }
	renewing := []string{
		"log DHCPFORCERENEW from 10.0.0.1",
		"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
		"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
		"arm +4s",
	}
	for _, sc := range []struct {
		name  string
		cfg   func(*Config)
		setup func(*harness)
		steps func(t *testing.T) []step
	}{
		{"authenticated renews, replay dropped", on, keyedBound, func(t *testing.T) []step {
			return []step{
				{time.Second, forceRenew(t, reconfKey, 6), renewing},
				{0, forceRenew(t, reconfKey, 6), []string{"drop DHCPFORCERENEW: in RENEWING"}},
			}
		}},
		{"unauthenticated dropped", on, keyedBound, func(t *testing.T) []step {
			return []step{
				{time.Second, forceRenew(t, nil, 0), []string{"drop DHCPFORCERENEW: dhcp authentication: no option 90"}},
				{0, forceRenew(t, []byte("fedcba9876543210"), 6), []string{"drop DHCPFORCERENEW: dhcp authentication: wrong digest"}},
				{0, forceRenew(t, reconfKey, 5), []string{"drop DHCPFORCERENEW: replayed"}},
			}
		}},
		{"no key from the server", on, bound, func(t *testing.T) []step {
			return []step{{time.Second, forceRenew(t, reconfKey, 6), []string{"drop DHCPFORCERENEW: no reconfigure key from the server"}}}
		}},
		{"forcerenew off", nil, keyedBound, func(t *testing.T) []step {
			return []step{{time.Second, forceRenew(t, reconfKey, 6), []string{"drop DHCPFORCERENEW: forcerenew is off"}}}
		}},
	} {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			cfg := testConfig()
			if sc.cfg != nil {
				sc.cfg(&cfg)
			}
			h := newHarness(t, cfg)
			sc.setup(h)
			h.run(sc.steps(t))
		})
	}
}

// The key never reaches the lease file or the hooks.
func TestReconfigureKeyStripped(t *testing.T) {
	cfg := testConfig()
	cfg.ForceRenew = true
	h := newHarness(t, cfg)
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	for _, a := range h.do(0, ack(addr, srv, dhcp4.Option{Code: dhcp4.OptAuthentication, Data: dhcp4.KeyAuth(reconfKey, 5)})) {
		var l *Lease
		switch a := a.(type) {
		case Persist:
			l = a.Lease
		case RunHook:
			l = a.New
		}
		if l == nil {
			continue
		}
		for _, o := range l.Options {
			if o.Code == dhcp4.OptAuthentication || bytes.Contains(o.Data, reconfKey) {
				t.Errorf("%v: lease carries the reconfigure key", a)
			}
		}
	}
}

// A renewal's ACK that hands over the same key with a lower counter does
// not make a FORCERENEW already acted on valid again.
func TestForceRenewReplayAcrossRenewal(t *testing.T) {
	cfg := testConfig()
	cfg.ForceRenew = true
	h := newHarness(t, cfg)
	keyedBound(h)
	h.do(time.Second, forceRenew(t, reconfKey, 6))
	if h.m.State() != StateRenewing {
		t.Fatalf("state %v after an authenticated FORCERENEW, want RENEWING", h.m.State())
	}
	h.do(0, ack(addr, srv, dhcp4.Option{Code: dhcp4.OptAuthentication, Data: dhcp4.KeyAuth(reconfKey, 5)}))
	h.do(0, HookResult{Reason: ReasonRenew})
	if h.m.State() != StateBound {
		t.Fatalf("state %v after the renewal ACK, want BOUND", h.m.State())
	}
	got := render(h.do(time.Second, forceRenew(t, reconfKey, 6)))
	if len(got) == 0 || got[0] != "drop DHCPFORCERENEW: replayed" {
		t.Errorf("the same FORCERENEW again: %q, want it dropped as replayed", got)
	}
}
