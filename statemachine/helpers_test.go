package statemachine

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// t0 is a whole second, so that ISC's second-granular timing renders as
// round numbers.
var t0 = time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)

var (
	hw    = net.HardwareAddr{2, 0, 0, 0, 0, 1}
	srv   = netip.MustParseAddr("10.0.0.1")
	srv2  = netip.MustParseAddr("10.0.0.2")
	addr  = netip.MustParseAddr("10.0.0.5")
	addr2 = netip.MustParseAddr("10.0.0.6")
)

// constSource makes every random() draw return n (Uint32 = 2n), so that
// transcripts can be checked against ISC's formulas by hand: xid 2n,
// first DISCOVER interval initial + n%(2*initial), and so on.
type constSource uint64

func (c constSource) Uint64() uint64 { return uint64(c) * 2 << 32 }

// seeded returns a reproducible generator for statistical tests.
func seeded(n uint64) *rand.Rand {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], n)
	return rand.New(rand.NewChaCha8(seed))
}

// testConfig is the configuration of the transcripts: eth0 with
// random() fixed at 7 and the values of ISC dhclient 4.4.3 (reference
// §2.1, §2.2), written out so that each transcript's times can be read
// from this file alone. The daemon takes them from client/config's table
// of settings, whose own tests check them.
func testConfig() Config {
	return Config{
		Interface: "eth0",
		HWAddr:    hw,
		PRL: []uint8{
			dhcp4.OptSubnetMask, dhcp4.OptBroadcast, dhcp4.OptTimeOffset, dhcp4.OptRouter,
			dhcp4.OptDomainName, dhcp4.OptDNS, dhcp4.OptHostName,
		},
		Timeout:         60 * time.Second,
		Retry:           300 * time.Second,
		Reboot:          10 * time.Second,
		BackoffCutoff:   15 * time.Second,
		InitialInterval: 3 * time.Second,
		DeclineWait:     10 * time.Second,
		Rand:            rand.New(constSource(7)),
	}
}

// step is one line of a transcript: advance the clock by after, apply ev,
// expect the actions rendered as want. A Received message with XID 0
// gets the xid of the machine's last Send.
type step struct {
	after time.Duration
	ev    Event
	want  []string
}

// harness drives a Machine through real steps and checks, on every step,
// the invariants that hold for any input (never arm in the past).
type harness struct {
	t     *testing.T
	m     *Machine
	now   time.Time
	xid   uint32
	armAt time.Time
}

// atArm as a step's after moves the clock to the armed deadline.
const atArm time.Duration = -1

func newHarness(t *testing.T, cfg Config, recorded ...*Lease) *harness {
	t.Helper()
	return &harness{t: t, m: New(cfg, recorded), now: t0}
}

// do applies ev after d and returns the actions.
func (h *harness) do(d time.Duration, ev Event) []Action {
	h.t.Helper()
	if d == atArm {
		h.now = h.armAt
	} else {
		h.now = h.now.Add(d)
	}
	if r, ok := ev.(Received); ok && r.Msg != nil && r.Msg.XID == 0 {
		c := *r.Msg
		c.XID = h.xid
		ev = Received{Msg: &c, From: r.From}
	}
	acts := h.m.Step(h.now, ev)
	for _, a := range acts {
		switch a := a.(type) {
		case Send:
			h.xid = a.Msg.XID
			if _, err := a.Msg.MarshalBinary(); err != nil {
				h.t.Errorf("%v: marshal: %v", a, err)
			}
		case Arm:
			if !a.At.IsZero() && a.At.Before(h.now) {
				h.t.Errorf("%v armed in the past", a)
			}
			h.armAt = a.At
		}
	}
	return acts
}

// run plays a transcript, failing on the first differing step.
func (h *harness) run(steps []step) {
	h.t.Helper()
	for i, s := range steps {
		got := render(h.do(s.after, s.ev))
		if strings.Join(got, "\n") != strings.Join(s.want, "\n") {
			h.t.Fatalf("step %d (%v, state now %v):\ngot:\n\t%s\nwant:\n\t%s", i, s.ev, h.m.State(),
				strings.Join(got, "\n\t"), strings.Join(s.want, "\n\t"))
		}
	}
}

// render returns the String of each action; Arm offsets are rounded to
// milliseconds so ISC's random microseconds do not clutter transcripts.
func render(acts []Action) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		if arm, ok := a.(Arm); ok && !arm.At.IsZero() {
			arm.In = arm.In.Round(time.Millisecond)
			a = arm
		}
		out[i] = a.String()
	}
	return out
}

// reply builds a server message of type t for yiaddr from server sid,
// with lease time secs (0 = no option 51) and extra options.
func reply(t dhcp4.MessageType, yiaddr, sid netip.Addr, secs uint32, extra ...dhcp4.Option) *dhcp4.Message {
	m := &dhcp4.Message{Op: dhcp4.BootReply, YIAddr: yiaddr, SIAddr: sid}
	m.SetHardwareAddr(hw)
	m.Options = dhcp4.Options{{Code: dhcp4.OptMessageType, Data: []byte{byte(t)}}}
	m.Options.SetAddr(dhcp4.OptServerID, sid)
	if secs != 0 {
		m.Options.SetUint32(dhcp4.OptLeaseTime, secs)
	}
	m.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
	m.Options = append(m.Options, extra...)
	return m
}

func offer(a, sid netip.Addr, extra ...dhcp4.Option) Received {
	return Received{Msg: reply(dhcp4.Offer, a, sid, 120, extra...)}
}

func ack(a, sid netip.Addr, extra ...dhcp4.Option) Received {
	return Received{Msg: reply(dhcp4.Ack, a, sid, 120, extra...)}
}

func nak(sid netip.Addr) Received {
	m := reply(dhcp4.Nak, netip.IPv4Unspecified(), sid, 0)
	m.Options.Del(dhcp4.OptSubnetMask)
	return Received{Msg: m}
}

// stored returns a lease as read from a lease file: acquired at acq with
// a 120 s lease, renew at +60 s, rebind at +105 s.
func stored(a netip.Addr, acq time.Time) *Lease {
	l := &Lease{Addr: a}
	l.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
	l.Options.SetAddr(dhcp4.OptServerID, srv)
	l.Options.SetUint32(dhcp4.OptLeaseTime, 120)
	l.Renew, l.Rebind, l.Expire = acq.Add(60*time.Second), acq.Add(105*time.Second), acq.Add(120*time.Second)
	return l
}
