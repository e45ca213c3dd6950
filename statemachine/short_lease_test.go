package statemachine

import (
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// A server that answers every REQUEST at once with a 1 s lease (T1 = T2 =
// 0) gets at most one REQUEST a second, not one per round trip (SPEC §4).
func TestShortLeaseRequestRate(t *testing.T) {
	h := newHarness(t, testConfig())
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	answer := func() Received { return Received{Msg: reply(dhcp4.Ack, addr, srv, 1)} }
	var sends []time.Time
	record := func(acts []Action) bool {
		sent := false
		for _, a := range acts {
			if s, ok := a.(Send); ok && s.Msg.Type() == dhcp4.Request {
				sends = append(sends, h.now)
				sent = true
			}
		}
		return sent
	}
	acts := h.do(0, answer())
	for h.now.Before(t0.Add(time.Minute)) {
		if record(acts) {
			acts = h.do(0, answer()) // the server answers at once
			continue
		}
		acts = h.do(atArm, Timeout{})
	}
	if len(sends) < 30 {
		t.Fatalf("%d REQUESTs in a minute of 1 s leases, want the lease renewed about every second", len(sends))
	}
	for i := 1; i < len(sends); i++ {
		if gap := sends[i].Sub(sends[i-1]); gap < time.Second {
			t.Fatalf("REQUEST %d came %v after the one before, want at least 1 s", i, gap)
		}
	}
}
