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

// With T1 = T2 (a 1 s lease: both are the ACK's second) a renewal within
// that second is still unicast to the server, as ISC's, which broadcasts
// only when cur_time > rebind; the next one, a second later, is broadcast.
func TestRenewalAtT2IsUnicast(t *testing.T) {
	h := newHarness(t, testConfig())
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	var sent []string
	record := func(acts []Action) {
		for _, a := range acts {
			if s, ok := a.(Send); ok {
				sent = append(sent, s.To.Addr().String())
			}
		}
	}
	// The ACK comes 1.5 s after the REQUEST: the renewal goes out at once.
	record(h.do(1500*time.Millisecond, Received{Msg: reply(dhcp4.Ack, addr, srv, 1)}))
	for len(sent) < 2 {
		record(h.do(atArm, Timeout{}))
	}
	if want := []string{srv.String(), "255.255.255.255"}; sent[0] != want[0] || sent[1] != want[1] {
		t.Errorf("renewals went to %v, want %v", sent, want)
	}
}
