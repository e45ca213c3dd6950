package statemachine

import (
	"testing"
	"time"
)

// A machine listens while it awaits an answer or is about to send; in
// BOUND only with forcerenew on, for a DHCPFORCERENEW (RFC 3203).
func TestListening(t *testing.T) {
	for _, forceRenew := range []bool{false, true} {
		cfg := testConfig()
		cfg.ForceRenew = forceRenew
		h := newHarness(t, cfg)
		h.do(0, Start{})
		if !h.m.Listening() {
			t.Errorf("forcerenew %v: not listening in %v", forceRenew, h.m.State())
		}
		h.do(time.Second, offer(addr, srv))
		h.do(0, ack(addr, srv))
		h.do(0, HookResult{Reason: ReasonBound})
		if h.m.State() != StateBound || h.m.Listening() != forceRenew {
			t.Errorf("forcerenew %v: %v, listening %v", forceRenew, h.m.State(), h.m.Listening())
		}
		h.do(atArm, Timeout{}) // T1
		if h.m.State() != StateRenewing || !h.m.Listening() {
			t.Errorf("forcerenew %v: %v at T1, listening %v", forceRenew, h.m.State(), h.m.Listening())
		}
	}
}
