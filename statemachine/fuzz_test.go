package statemachine

import (
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// events decodes fuzz input into configuration choices and a sequence of
// events, each applied after a delay. Received messages come from a small
// generator: mostly well-formed replies with our xid and chaddr, some
// with foreign ones, odd lease times and addresses.
type events struct {
	b   []byte
	xid uint32 // last xid the machine sent
}

func (e *events) next() byte {
	if len(e.b) == 0 {
		return 0
	}
	c := e.b[0]
	e.b = e.b[1:]
	return c
}

func (e *events) delay() time.Duration {
	switch c := e.next(); c % 8 {
	case 0:
		return atArm
	case 1:
		return 0
	case 2:
		return time.Duration(c) * 10 * time.Millisecond
	case 3:
		return time.Duration(c) * time.Second
	case 4:
		return time.Duration(c) * time.Minute // a long sleep
	default:
		return atArm
	}
}

var fuzzAddrs = []netip.Addr{addr, addr2, fallback, netip.IPv4Unspecified(), netip.MustParseAddr("255.255.255.255")}

func (e *events) message() *dhcp4.Message {
	c := e.next()
	types := []dhcp4.MessageType{dhcp4.Offer, dhcp4.Ack, dhcp4.Nak, dhcp4.Offer, dhcp4.Ack, dhcp4.Request, 0}
	a := fuzzAddrs[int(e.next())%len(fuzzAddrs)]
	sid := []netip.Addr{srv, srv2, {}}[int(c>>4)%3]
	var secs uint32
	switch e.next() % 5 {
	case 0:
		secs = 120
	case 1:
		secs = 0 // absent
	case 2:
		secs = dhcp4.InfiniteLease
	case 3:
		secs = 1
	case 4:
		secs = uint32(e.next()) * 1000
	}
	m := reply(types[int(c)%len(types)], a, sid, secs)
	if !sid.IsValid() {
		m.Options.Del(dhcp4.OptServerID)
	}
	if c&0x80 != 0 {
		m.Options.SetUint32(dhcp4.OptRenewalTime, uint32(e.next()))
		m.Options.SetUint32(dhcp4.OptRebindingTime, uint32(e.next()))
	}
	if types[int(c)%len(types)] == 0 {
		m.Options.Del(dhcp4.OptMessageType)
	}
	m.XID = e.xid
	if c&0x08 != 0 {
		m.XID = uint32(e.next())<<8 | 0xf000_0000 // foreign
	}
	if c&0x40 != 0 && c&0x04 != 0 {
		m.CHAddr[0] ^= 1
	}
	if c&0x20 != 0 && c&0x02 != 0 {
		m.Options.Set(dhcp4.OptAuthentication, dhcp4.KeyAuth(fuzzKey, uint64(c)))
	}
	if c&0x20 != 0 {
		m.Options = append(m.Options, rapid)
	}
	if c&0x10 != 0 && c&0x01 != 0 {
		m.Options = append(m.Options, v6Only(uint32(e.next())))
	}
	return m
}

// forceRenew is a DHCPFORCERENEW for our chaddr, signed with the key the
// fuzz ACKs carry or with another, or unsigned, with a random replay value.
func (e *events) forceRenew() Received {
	c := e.next()
	m := reply(dhcp4.ForceRenew, netip.IPv4Unspecified(), srv, 0)
	m.XID = uint32(c) << 4
	if c&1 != 0 {
		m.Options.Set(dhcp4.OptAuthentication, dhcp4.HMACAuth(uint64(e.next())))
	}
	wire, err := m.MarshalBinary()
	if err != nil {
		panic(err)
	}
	if c&1 != 0 {
		key := fuzzKey
		if c&2 != 0 {
			key = []byte("another key 0123")
		}
		if err := dhcp4.SignForceRenew(wire, key); err != nil {
			panic(err)
		}
	}
	dec, err := dhcp4.Parse(wire)
	if err != nil {
		panic(err)
	}
	return Received{Msg: dec, Raw: wire}
}

var fuzzKey = []byte("0123456789abcdef")

func (e *events) event() Event {
	switch c := e.next(); c % 16 {
	case 0, 1, 2, 3, 4, 5:
		return Received{Msg: e.message()}
	case 6, 7:
		return Timeout{}
	case 8:
		return LinkDown{}
	case 9:
		return LinkUp{}
	case 10:
		return []Event{Pause{}, Resume{}, Stop{}, Start{}}[int(c>>4)%4]
	case 11:
		return []Event{Renew{}, Rebind{}, Release{}, WokeUp{}}[int(c>>4)%4]
	case 12, 13:
		return HookResult{Reason: Reason(1 + int(c>>4)%13), ExitCode: int(c>>7) & 1}
	case 14:
		if c&0x40 != 0 {
			return e.forceRenew()
		}
		return ProbeResult{Conflict: c&0x80 != 0}
	default:
		return Timeout{}
	}
}

// FuzzMachine checks the machine's invariants on random event sequences:
// it never panics, never arms a deadline in the past, never configures an
// address that no ACK (or stored lease) gave, never sends with an xid
// it did not choose itself, and never sends two REQUESTs less than
// minRequestGap apart, and never keeps a link-local claim in V6ONLY.
func FuzzMachine(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 12, 1, 0, 0, 6})
	f.Add([]byte{0x3f, 7, 10, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 6, 0, 6, 0, 6, 0, 6})
	f.Add([]byte{0x40, 3, 0, 0x21, 0, 0, 0x31, 9, 1, 0, 6, 0, 11, 0, 6})     // rapid commit, 108
	f.Add([]byte{0x80, 3, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 6, 0, 0xb, 0, 6}) // inform
	f.Fuzz(func(t *testing.T, data []byte) {
		e := &events{b: data}
		opts := e.next()
		cfg := testConfig()
		cfg.Rand = seeded(uint64(e.next()))
		cfg.ARPCheck = opts&1 != 0
		cfg.OneTry = opts&2 != 0
		if opts&4 != 0 {
			cfg.SelectTimeout = 3 * time.Second
		}
		if opts&8 != 0 {
			cfg.InitialDelay = 5 * time.Second
		}
		var rec []*Lease
		if opts&16 != 0 {
			rec = append(rec, recordedLease()...)
		}
		if opts&32 != 0 {
			rec = append(rec, fallbackLease())
		}
		cfg.IPv4LL, cfg.IPv4LLRetry = opts&64 != 0, 30*time.Second
		cfg.ForceRenew = opts&128 != 0
		linkLocal := false
		if opts&64 != 0 {
			cfg.RapidCommit, cfg.Anonymity = true, opts&1 != 0
			cfg.PRL = append(cfg.PRL, dhcp4.OptV6OnlyPreferred)
		}
		inform := opts&128 != 0 && opts&64 == 0
		if inform {
			cfg.Inform = static
		}
		allowed := map[netip.Addr]bool{}
		for _, l := range rec {
			allowed[l.Addr] = true
		}
		ours, theirs := map[uint32]bool{}, map[uint32]bool{}
		m := New(cfg, rec)
		now, armed, lastRequest := t0, time.Time{}, time.Time{}
		for steps := 0; len(e.b) > 0 && steps < 500; steps++ {
			d, ev := e.delay(), e.event()
			if d == atArm {
				if armed.After(now) {
					now = armed
				}
			} else {
				now = now.Add(d)
			}
			if r, ok := ev.(Received); ok {
				// An ACK, or a BOOTP server's reply (no message type),
				// which binds without one.
				if t := r.Msg.Type(); t == dhcp4.Ack || t == 0 {
					allowed[r.Msg.YIAddr] = true
				}
				if !ours[r.Msg.XID] {
					theirs[r.Msg.XID] = true
				}
			}
			for _, a := range m.Step(now, ev) {
				switch a := a.(type) {
				case Arm:
					if !a.At.IsZero() && a.At.Before(now) {
						t.Fatalf("after %v: %v at %v is before now %v", ev, a, a.At, now)
					}
					armed = a.At
				case Persist:
					if inform {
						t.Fatalf("after %v: %v in inform mode", ev, a)
					}
				case Configure:
					if inform {
						t.Fatalf("after %v: %v in inform mode", ev, a)
					}
					if !allowed[a.Lease.Addr] {
						t.Fatalf("after %v: %v without an ACK or BOOTREPLY for it", ev, a)
					}
					if linkLocal && !a.Lease.Fallback {
						t.Fatalf("after %v: %v while the link-local claim runs", ev, a)
					}
				case LinkLocal:
					if !cfg.IPv4LL || a.On == linkLocal {
						t.Fatalf("after %v: %v (ipv4ll %v, link-local on %v)", ev, a, cfg.IPv4LL, linkLocal)
					}
					linkLocal = a.On
				case Send:
					if !ours[a.Msg.XID] && theirs[a.Msg.XID] {
						t.Fatalf("after %v: %v uses a received xid", ev, a)
					}
					if a.Msg.Type() == dhcp4.Request {
						if !lastRequest.IsZero() && now.Sub(lastRequest) < minRequestGap {
							t.Fatalf("after %v: %v %v after the last REQUEST", ev, a, now.Sub(lastRequest))
						}
						lastRequest = now
					}
					ours[a.Msg.XID] = true
					e.xid = a.Msg.XID
					if _, err := a.Msg.MarshalBinary(); err != nil {
						t.Fatalf("%v: %v", a, err)
					}
				}
			}
			if linkLocal && m.State() == StateV6Only {
				t.Fatalf("after %v: the link-local claim runs in V6ONLY", ev)
			}
		}
	})
}
