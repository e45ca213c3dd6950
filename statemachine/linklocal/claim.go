package linklocal

import (
	"bytes"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"
)

// Kind is what an Action asks for.
type Kind uint8

// Action kinds.
const (
	SendProbe    Kind = iota + 1 // ARP probe for Addr: sender IP 0.0.0.0 (§2.2.1)
	SendAnnounce                 // ARP announcement: sender and target IP Addr (§2.4)
	Claim                        // Addr is ours: configure it and run the hook
	Release                      // Addr is lost or given up: remove it
)

var kindNames = [...]string{SendProbe: "probe", SendAnnounce: "announce", Claim: "claim", Release: "release"}

// Action is one thing the caller must do, in the order given.
type Action struct {
	Kind Kind
	Addr netip.Addr
}

// String renders "probe 169.254.x.y" and so on, for transcripts.
func (a Action) String() string {
	if int(a.Kind) < len(kindNames) && kindNames[a.Kind] != "" {
		return kindNames[a.Kind] + " " + a.Addr.String()
	}
	return "action? " + a.Addr.String()
}

// Packet is an ARP packet seen on the link, as far as the claim cares.
type Packet struct {
	Request  bool // ARP request (op 1); false for a reply
	SenderHW net.HardwareAddr
	SenderIP netip.Addr
	TargetIP netip.Addr
}

type phase uint8

const (
	idle       phase = iota
	waiting          // before the first probe of a candidate
	probing          // probes going out
	announcing       // claimed, announcements going out
	holding          // claimed and announced: defending
)

// Claimer claims and holds one link-local address for one interface.
type Claimer struct {
	hw     net.HardwareAddr
	cands  *rand.Rand // candidate addresses, seeded from hw
	jitter *rand.Rand // probe spacing

	phase       phase
	addr        netip.Addr // the candidate or claimed address
	last        netip.Addr // the address last claimed, tried first again
	sent        int        // probes or announcements sent in this phase
	at          time.Time  // deadline; zero: none
	conflicts   int
	lastDefence time.Time
}

// New returns an idle Claimer for the interface with hardware address
// hw; jitter supplies the random delays between probes.
func New(hw net.HardwareAddr, jitter *rand.Rand) *Claimer {
	return &Claimer{hw: bytes.Clone(hw), cands: Candidates(hw), jitter: jitter}
}

// Deadline is when Timeout must be called next; zero for never.
func (c *Claimer) Deadline() time.Time { return c.at }

// Addr returns the claimed address, invalid while none is claimed.
func (c *Claimer) Addr() netip.Addr {
	if c.phase == announcing || c.phase == holding {
		return c.addr
	}
	return netip.Addr{}
}

// Active reports whether the claimer is started.
func (c *Claimer) Active() bool { return c.phase != idle }

// Start begins claiming, with the address claimed last if there was one
// (§2.1: a host that had an address uses it first). A started claimer
// goes on as it is.
func (c *Claimer) Start(now time.Time) []Action {
	if c.phase != idle {
		return nil
	}
	c.conflicts = 0
	c.addr = c.last
	if !c.addr.IsValid() {
		c.addr = Next(c.cands)
	}
	c.wait(now)
	return nil
}

// Stop gives the address up (a DHCP lease bound, or the daemon stops):
// Release when one was claimed.
func (c *Claimer) Stop() []Action {
	var out []Action
	if a := c.Addr(); a.IsValid() {
		out = append(out, Action{Kind: Release, Addr: a})
	}
	c.phase, c.at, c.sent = idle, time.Time{}, 0
	return out
}

// Timeout advances the claim when its deadline has passed: the next
// probe, the claim after the last probe, the next announcement.
func (c *Claimer) Timeout(now time.Time) []Action {
	if c.at.IsZero() || now.Before(c.at) {
		return nil
	}
	switch c.phase {
	case waiting, probing:
		if c.sent == ProbeNum {
			return c.claim(now)
		}
		c.phase = probing
		c.sent++
		c.at = now.Add(afterProbe(c.sent, c.jitter))
		return []Action{{Kind: SendProbe, Addr: c.addr}}
	case announcing:
		c.sent++
		c.at = now.Add(AnnounceInterval)
		if c.sent >= AnnounceNum {
			c.phase, c.at = holding, time.Time{}
		}
		return []Action{{Kind: SendAnnounce, Addr: c.addr}}
	}
	return nil
}

// Received handles an ARP packet from the link: a conflict while probing
// moves on to a new candidate (§2.2.1); one with a claimed address is
// defended once per DEFEND_INTERVAL and otherwise gives the address up
// (§2.5 (b)).
func (c *Claimer) Received(now time.Time, p Packet) []Action {
	if c.phase == idle || bytes.Equal(p.SenderHW, c.hw) {
		return nil // our own packets, should they loop back
	}
	switch c.phase {
	case waiting, probing:
		probe := p.Request && p.SenderIP.IsUnspecified() && p.TargetIP == c.addr
		if p.SenderIP == c.addr || probe {
			c.next(now)
		}
		return nil
	}
	if p.SenderIP != c.addr {
		return nil
	}
	if mayDefend(c.lastDefence, now) {
		c.lastDefence = now
		return []Action{{Kind: SendAnnounce, Addr: c.addr}}
	}
	lost := c.addr
	c.last = netip.Addr{}
	c.next(now)
	return []Action{{Kind: Release, Addr: lost}}
}

// claim takes the candidate after probing found nobody: configure it and
// announce it ANNOUNCE_NUM times (§2.4).
func (c *Claimer) claim(now time.Time) []Action {
	c.phase, c.sent, c.last = announcing, 1, c.addr
	c.lastDefence = time.Time{}
	c.at = now.Add(AnnounceInterval)
	return []Action{{Kind: Claim, Addr: c.addr}, {Kind: SendAnnounce, Addr: c.addr}}
}

// next counts a conflict and starts over with a new candidate.
func (c *Claimer) next(now time.Time) {
	c.conflicts++
	c.addr = Next(c.cands)
	c.wait(now)
}

// wait schedules the first probe of the current candidate.
func (c *Claimer) wait(now time.Time) {
	c.phase, c.sent = waiting, 0
	c.at = now.Add(startDelay(c.conflicts, c.jitter))
}
