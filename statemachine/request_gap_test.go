package statemachine

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// gapServer is how the simulated server treats the client's messages.
type gapServer struct {
	lease  uint32        // option 51
	t1, t2 uint32        // options 58 and 59; 0 = absent
	renew  bool          // answers REQUESTs of RENEWING and REBINDING
	delay  time.Duration // before each answer; negative = random below 2 s
	naks   bool          // sometimes NAKs a REQUEST
	prods  bool          // an operator sends renew and rebind now and then
}

// ackFor is the server's ACK of a REQUEST for addr.
func (s gapServer) ackFor(xid uint32) *dhcp4.Message {
	var extra []dhcp4.Option
	var o dhcp4.Options
	if s.t1 != 0 {
		o.SetUint32(dhcp4.OptRenewalTime, s.t1)
	}
	if s.t2 != 0 {
		o.SetUint32(dhcp4.OptRebindingTime, s.t2)
	}
	extra = append(extra, o...)
	m := reply(dhcp4.Ack, addr, srv, s.lease, extra...)
	m.XID = xid
	return m
}

// pendingReply is a message the server will have sent at at.
type pendingReply struct {
	at  time.Time
	msg *dhcp4.Message
}

// requestTimes runs the machine for two minutes against s, with the
// client started at a sub-second phase, and returns when each REQUEST
// went out.
func requestTimes(t *testing.T, s gapServer, seed uint64) []time.Time {
	t.Helper()
	cfg := testConfig()
	cfg.Rand = seeded(seed)
	cfg.SelectTimeout = 0
	m := New(cfg, nil)
	rng := rand.New(rand.NewPCG(seed, 99))
	now := t0.Add(time.Duration(rng.Int64N(int64(time.Second))))
	end := now.Add(2 * time.Minute)
	var armed time.Time
	var queue []pendingReply
	var sent []time.Time
	nextProd := now.Add(time.Duration(rng.Int64N(int64(10 * time.Second))))
	var ev Event = Start{}
	for steps := 0; now.Before(end); steps++ {
		if steps > 100000 {
			t.Fatalf("%v: no progress at %v", s, now)
		}
		for _, a := range m.Step(now, ev) {
			switch a := a.(type) {
			case Arm:
				if !a.At.IsZero() && a.At.Before(now) {
					t.Fatalf("%v armed in the past at %v", a, now)
				}
				armed = a.At
			case Send:
				d := s.delay
				if d < 0 {
					d = time.Duration(rng.Int64N(int64(2 * time.Second)))
				}
				switch a.Msg.Type() {
				case dhcp4.Discover:
					o := reply(dhcp4.Offer, addr, srv, s.lease)
					o.XID = a.Msg.XID
					queue = append(queue, pendingReply{now.Add(d), o})
				case dhcp4.Request:
					sent = append(sent, now)
					if a.Msg.CIAddr.IsValid() && !a.Msg.CIAddr.IsUnspecified() && !s.renew {
						break
					}
					r := s.ackFor(a.Msg.XID)
					if s.naks && rng.IntN(5) == 0 {
						r = nak(srv).Msg
						r.XID = a.Msg.XID
					}
					queue = append(queue, pendingReply{now.Add(d), r})
				}
			}
		}
		// The next event: the earliest of the armed deadline, a reply
		// due and an operator's renew or rebind.
		next := armed
		ev = Timeout{}
		if len(queue) > 0 && (next.IsZero() || queue[0].at.Before(next)) {
			next, ev = queue[0].at, Received{Msg: queue[0].msg}
		}
		if s.prods && (next.IsZero() || nextProd.Before(next)) {
			next, ev = nextProd, Renew{}
			if rng.IntN(2) == 0 {
				ev = Rebind{}
			}
			nextProd = nextProd.Add(time.Duration(rng.Int64N(int64(3 * time.Second))))
		}
		if next.IsZero() {
			break
		}
		if _, ok := ev.(Received); ok {
			queue = queue[1:]
		}
		now = later(now, next)
	}
	return sent
}

// TestRequestGap: whatever the lease and its T1 and T2, whether the
// server answers renewals or not, at once or late, with ACK or NAK, and
// whatever an operator asks for, two REQUESTs of an interface are never
// less than minRequestGap apart (README "Short leases and slow hooks").
func TestRequestGap(t *testing.T) {
	var servers []gapServer
	for _, lease := range []uint32{1, 2, 3, 5, 10} {
		for _, times := range [][2]uint32{
			{0, 0},                 // ISC's formulas
			{lease, lease},         // T1 = T2 = lease
			{lease / 2, lease / 2}, // T1 = T2 within the lease
			{0, lease + 5},         // T2 beyond the lease
			{lease + 5, lease + 9}, // both beyond
		} {
			for _, renew := range []bool{false, true} {
				for _, delay := range []time.Duration{0, 300 * time.Millisecond, 1500 * time.Millisecond, -1} {
					servers = append(servers,
						gapServer{lease: lease, t1: times[0], t2: times[1], renew: renew, delay: delay},
						gapServer{lease: lease, t1: times[0], t2: times[1], renew: renew, delay: delay, naks: true, prods: true})
				}
			}
		}
	}
	requests := 0
	for i, s := range servers {
		for seed := range uint64(4) {
			sent := requestTimes(t, s, uint64(i)*4+seed)
			requests += len(sent)
			for j := 1; j < len(sent); j++ {
				if gap := sent[j].Sub(sent[j-1]); gap < minRequestGap {
					t.Fatalf("%s seed %d: REQUEST %d went out %v after the one before, want at least %v",
						s, seed, j, gap, minRequestGap)
				}
			}
		}
	}
	// The servers answering at once with 1 s leases alone make dozens a
	// minute: the property was checked on many REQUESTs.
	if requests < 20*len(servers) {
		t.Fatalf("%d REQUESTs in %d runs, want the leases renewed again and again", requests, 4*len(servers))
	}
}

func (s gapServer) String() string {
	return fmt.Sprintf("lease %d s, T1 %d, T2 %d, renewals answered %v, delay %v, NAKs %v, operator %v",
		s.lease, s.t1, s.t2, s.renew, s.delay, s.naks, s.prods)
}
