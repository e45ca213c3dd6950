package linklocal

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var (
	ourHW   = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	otherHW = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
	t0      = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

func newClaimer() *Claimer { return New(ourHW, rand.New(rand.NewPCG(1, 2))) }

func render(as []Action) string {
	var s []string
	for _, a := range as {
		s = append(s, a.String())
	}
	return strings.Join(s, "; ")
}

// runUntil fires the claimer's deadlines until it has no more or until
// limit, returning every action with its offset from t0.
func runUntil(c *Claimer, limit time.Time) (actions []string, offsets []time.Duration) {
	for at := c.Deadline(); !at.IsZero() && !at.After(limit); at = c.Deadline() {
		for _, a := range c.Timeout(at) {
			actions = append(actions, a.String())
			offsets = append(offsets, at.Sub(t0))
		}
	}
	return actions, offsets
}

func TestCandidateFromMAC(t *testing.T) {
	a, b := Next(Candidates(ourHW)), Next(Candidates(ourHW))
	if a != b {
		t.Fatalf("first candidate not deterministic: %v then %v", a, b)
	}
	if c := Next(Candidates(otherHW)); c == a {
		t.Errorf("two MACs gave the same first candidate %v", a)
	}
	g := Candidates(ourHW)
	for range 100000 {
		if a := Next(g); !Usable(a) {
			t.Fatalf("candidate %v outside 169.254.1.0-169.254.254.255", a)
		}
	}
}

func TestUsable(t *testing.T) {
	for s, want := range map[string]bool{
		"169.254.0.1": false, "169.254.0.255": false, "169.254.255.0": false, "169.254.255.254": false,
		"169.254.1.0": true, "169.254.254.255": true, "169.253.1.1": false, "10.0.0.1": false,
	} {
		if got := Usable(netip.MustParseAddr(s)); got != want {
			t.Errorf("Usable(%s) = %v, want %v", s, got, want)
		}
	}
}

// TestClaimTiming checks RFC 3927 §2.2–§2.4 against fixed times: the
// first probe within PROBE_WAIT, PROBE_NUM probes PROBE_MIN to PROBE_MAX
// apart, the claim ANNOUNCE_WAIT after the last, ANNOUNCE_NUM
// announcements ANNOUNCE_INTERVAL apart, then nothing.
func TestClaimTiming(t *testing.T) {
	c := newClaimer()
	if out := c.Start(t0); len(out) != 0 {
		t.Fatalf("Start = %s, want nothing", render(out))
	}
	want := Next(Candidates(ourHW))
	acts, offs := runUntil(c, t0.Add(time.Hour))
	w := []string{"probe " + want.String(), "probe " + want.String(), "probe " + want.String(),
		"claim " + want.String(), "announce " + want.String(), "announce " + want.String()}
	if strings.Join(acts, "; ") != strings.Join(w, "; ") {
		t.Fatalf("actions\n got %q\nwant %q", acts, w)
	}
	if offs[0] > ProbeWait {
		t.Errorf("first probe at %v, after PROBE_WAIT", offs[0])
	}
	for i := 1; i < ProbeNum; i++ {
		if gap := offs[i] - offs[i-1]; gap < ProbeMin || gap > ProbeMax {
			t.Errorf("probe %d %v after the previous, outside [PROBE_MIN, PROBE_MAX]", i+1, gap)
		}
	}
	if gap := offs[3] - offs[2]; gap != AnnounceWait {
		t.Errorf("claim %v after the last probe, want ANNOUNCE_WAIT", gap)
	}
	if gap := offs[5] - offs[4]; gap != AnnounceInterval {
		t.Errorf("announcements %v apart, want ANNOUNCE_INTERVAL", gap)
	}
	if c.Addr() != want || !c.Deadline().IsZero() {
		t.Errorf("after claiming: Addr %v deadline %v", c.Addr(), c.Deadline())
	}
}

// TestProbeConflict: a probe from another host for the candidate, or any
// ARP from it, moves on to a new candidate and starts probing over.
func TestProbeConflict(t *testing.T) {
	for name, p := range map[string]func(a netip.Addr) Packet{
		"their probe": func(a netip.Addr) Packet {
			return Packet{Request: true, SenderHW: otherHW, SenderIP: netip.IPv4Unspecified(), TargetIP: a}
		},
		"their reply": func(a netip.Addr) Packet { return Packet{SenderHW: otherHW, SenderIP: a, TargetIP: a} },
	} {
		t.Run(name, func(t *testing.T) {
			c := newClaimer()
			c.Start(t0)
			first := c.addr
			now := c.Deadline()
			c.Timeout(now) // probe 1
			if out := c.Received(now.Add(time.Millisecond), p(first)); len(out) != 0 {
				t.Fatalf("conflict while probing = %s, want nothing", render(out))
			}
			if c.addr == first || c.conflicts != 1 || c.phase != waiting {
				t.Fatalf("after conflict: addr %v (first %v) conflicts %d phase %d", c.addr, first, c.conflicts, c.phase)
			}
			if d := c.Deadline().Sub(now.Add(time.Millisecond)); d < 0 || d > ProbeWait {
				t.Errorf("next candidate probed %v later, want within PROBE_WAIT", d)
			}
		})
	}
}

// TestOwnPacketsIgnored: our own probes seen on the link are no conflict.
func TestOwnPacketsIgnored(t *testing.T) {
	c := newClaimer()
	c.Start(t0)
	a := c.addr
	c.Received(t0, Packet{Request: true, SenderHW: ourHW, SenderIP: netip.IPv4Unspecified(), TargetIP: a})
	if c.conflicts != 0 || c.addr != a {
		t.Fatalf("own probe counted as conflict")
	}
}

// TestRateLimit: from the MAX_CONFLICTS-th conflict on, a new candidate
// is probed only RATE_LIMIT_INTERVAL later (§2.2.1).
func TestRateLimit(t *testing.T) {
	c := newClaimer()
	c.Start(t0)
	now := t0
	for i := 1; i <= MaxConflicts; i++ {
		c.Received(now, Packet{SenderHW: otherHW, SenderIP: c.addr})
		d := c.Deadline().Sub(now)
		if i < MaxConflicts && d > ProbeWait {
			t.Fatalf("conflict %d: next probe %v later, want within PROBE_WAIT", i, d)
		}
		if i == MaxConflicts && d != RateLimitInterval {
			t.Fatalf("conflict %d: next probe %v later, want RATE_LIMIT_INTERVAL", i, d)
		}
	}
}

// TestDefend: a conflict with the claimed address is answered with an
// announcement; a second within DEFEND_INTERVAL gives the address up and
// starts over with another; one after DEFEND_INTERVAL is defended again.
func TestDefend(t *testing.T) {
	c := newClaimer()
	c.Start(t0)
	runUntil(c, t0.Add(time.Hour))
	a := c.Addr()
	now := t0.Add(time.Hour)
	hit := Packet{Request: true, SenderHW: otherHW, SenderIP: a, TargetIP: a}
	if got := render(c.Received(now, hit)); got != "announce "+a.String() {
		t.Fatalf("first conflict = %q, want a defence", got)
	}
	now = now.Add(DefendInterval)
	if got := render(c.Received(now, hit)); got != "announce "+a.String() {
		t.Fatalf("conflict DEFEND_INTERVAL later = %q, want a defence", got)
	}
	now = now.Add(DefendInterval - time.Second)
	if got := render(c.Received(now, hit)); got != "release "+a.String() {
		t.Fatalf("conflict within DEFEND_INTERVAL = %q, want release", got)
	}
	if c.Addr().IsValid() || c.addr == a || c.phase != waiting {
		t.Fatalf("after giving up: claimed %v candidate %v phase %d", c.Addr(), c.addr, c.phase)
	}
	if got := render(c.Received(now, Packet{SenderHW: otherHW, SenderIP: netip.MustParseAddr("169.254.9.9")})); got != "" {
		t.Errorf("unrelated ARP = %q", got)
	}
}

// TestRestartPrefersLast: after Stop, Start tries the address claimed
// before first (§2.1), and Stop releases a claimed address.
func TestRestartPrefersLast(t *testing.T) {
	c := newClaimer()
	c.Start(t0)
	c.Received(t0, Packet{SenderHW: otherHW, SenderIP: c.addr}) // first candidate taken
	runUntil(c, t0.Add(time.Hour))
	a := c.Addr()
	if got := render(c.Stop()); got != "release "+a.String() {
		t.Fatalf("Stop = %q", got)
	}
	if got := render(c.Stop()); got != "" {
		t.Fatalf("second Stop = %q", got)
	}
	c.Start(t0.Add(2 * time.Hour))
	if c.addr != a {
		t.Fatalf("restart probes %v, want the last claimed %v", c.addr, a)
	}
}
