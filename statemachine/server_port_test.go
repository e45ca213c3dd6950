package statemachine

import (
	"net/netip"
	"testing"
)

// TestServerPortFollowsClientPort: with -p 1068 the servers are at 1067
// (reference §1.2), for broadcasts and for the unicast renewal.
func TestServerPortFollowsClientPort(t *testing.T) {
	cfg := testConfig()
	cfg.ServerPort = 1067
	h := newHarness(t, cfg)
	sends := func(acts []Action) []netip.AddrPort {
		var out []netip.AddrPort
		for _, a := range acts {
			if s, ok := a.(Send); ok {
				out = append(out, s.To)
			}
		}
		return out
	}
	srv := netip.MustParseAddr("10.0.0.1")
	addr := netip.MustParseAddr("10.0.0.5")
	if got := sends(h.do(0, Start{})); len(got) != 1 || got[0].Port() != 1067 {
		t.Fatalf("DISCOVER to %v, want port 1067", got)
	}
	h.do(0, offer(addr, srv))
	h.do(0, ack(addr, srv))
	h.do(0, HookResult{Reason: ReasonBound})
	got := sends(h.do(atArm, Timeout{}))
	if len(got) != 1 || got[0] != netip.AddrPortFrom(srv, 1067) {
		t.Errorf("renewal to %v, want %v:1067", got, srv)
	}
}
