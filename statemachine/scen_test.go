package statemachine

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// scenario is a named transcript: a configuration change, the stored
// leases and the steps.
type scenario struct {
	name  string
	cfg   func(*Config)
	rec   func() []*Lease
	setup func(*harness) // reaches the starting state through real steps
	steps []step
}

var (
	router   = dhcp4.Option{Code: dhcp4.OptRouter, Data: srv.AsSlice()}
	fallback = netip.MustParseAddr("192.0.2.77")
)

// fallbackLease is a lease {} block from dhclient.conf.
func fallbackLease() *Lease {
	l := stored(fallback, t0.Add(24*time.Hour))
	l.Fallback = true
	return l
}

// recordedLease was acquired 10 s before t0: renew at +50 s, expiry at +110 s.
func recordedLease() []*Lease { return []*Lease{stored(addr, t0.Add(-10*time.Second))} }

func withTimeout(d time.Duration) func(*Config) { return func(c *Config) { c.Timeout = d } }

// bound reaches BOUND on addr from srv, 1 s after t0 (the "first bind"
// transcript shows these steps), T1 at t0+49 s, T2 at +106 s, expiry at
// +121 s.
func bound(h *harness) {
	h.t.Helper()
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, ack(addr, srv))
	h.do(0, HookResult{Reason: ReasonBound})
	if h.m.State() != StateBound || h.m.Lease() == nil || h.m.Lease().Addr != addr {
		h.t.Fatalf("setup: state %v lease %v, want BOUND on %v", h.m.State(), h.m.Lease(), addr)
	}
}

func noLeaseTime(a, sid netip.Addr) Received {
	return Received{Msg: reply(dhcp4.Ack, a, sid, 0)}
}

func zeroLeaseOffer(a, sid netip.Addr) Received {
	r := offer(a, sid)
	r.Msg.Options.SetUint32(dhcp4.OptLeaseTime, 0)
	return r
}

func foreign(r Received, edit func(*dhcp4.Message)) Received {
	c := *r.Msg
	c.Options = c.Options.Clone()
	edit(&c)
	return Received{Msg: &c}
}

// bootpOnly makes r what a BOOTP server sends: no DHCP message type,
// server identifier or lease time.
func bootpOnly(r Received) Received {
	return foreign(r, func(m *dhcp4.Message) {
		for _, code := range []uint8{dhcp4.OptMessageType, dhcp4.OptServerID, dhcp4.OptLeaseTime} {
			m.Options.Del(code)
		}
	})
}
