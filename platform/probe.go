package platform

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"time"
)

// ProbeMode selects the ARP check run on an address before it is used:
// the keyword of SPEC §3 arp-check, so that a configuration's value
// converts as it is.
type ProbeMode string

// Probe modes. The zero value checks nothing, as ProbeOff, ISC's and
// networkd's default.
const (
	ProbeOff     ProbeMode = "off"     // no check
	ProbeFast    ProbeMode = "fast"    // one probe and a 200 ms wait, as NetworkManager
	ProbeRFC5227 ProbeMode = "rfc5227" // the full RFC 5227 §2.1.1 sequence, as dhcpcd
)

// RFC 5227 §1.1 timing constants, and NetworkManager's fast check.
const (
	probeWait    = 1 * time.Second // initial random delay
	probeNum     = 3               // number of probes
	probeMin     = 1 * time.Second // minimum delay until repeated probe
	probeMax     = 2 * time.Second // maximum delay until repeated probe
	announceWait = 2 * time.Second // delay before announcing
	fastWait     = 200 * time.Millisecond
)

// Prober runs ARP probes. Rand supplies the RFC 5227 random delays; nil
// uses math/rand/v2's automatically seeded generator.
type Prober struct {
	Mode ProbeMode
	Rand *rand.Rand
}

// Probe reports whether another host on ifname uses or claims addr,
// probing as mode says; ProbeOff (or any other mode) reports no conflict without sending
// anything. It returns early on the first conflict, and with ctx's error
// when ctx ends first. It needs CAP_NET_RAW.
func Probe(ctx context.Context, ifname string, addr netip.Addr, mode ProbeMode) (conflict bool, err error) {
	return Prober{Mode: mode}.Probe(ctx, ifname, addr)
}

// probeSchedule returns the delay before each probe, each counted from
// the previous probe (the first from the start), and the time to keep
// listening after the last one.
func probeSchedule(mode ProbeMode, r *rand.Rand) (gaps []time.Duration, wait time.Duration) {
	switch mode {
	case ProbeFast:
		return []time.Duration{0}, fastWait
	case ProbeRFC5227:
		gaps = []time.Duration{uniform(r, 0, probeWait)}
		for range probeNum - 1 {
			gaps = append(gaps, uniform(r, probeMin, probeMax))
		}
		return gaps, announceWait
	}
	return nil, 0
}

// listenDeadline is when a probe that started at start and sent its last
// packet at lastSend stops listening. The fast check is a budget for the
// whole call (SPEC §11: at most 200 ms over a plain bind), so opening the
// socket and sending count against it; RFC 5227 §2.1.1 listens
// ANNOUNCE_WAIT after the last probe.
func listenDeadline(mode ProbeMode, wait time.Duration, start, lastSend time.Time) time.Time {
	if mode == ProbeFast {
		return start.Add(wait)
	}
	return lastSend.Add(wait)
}

// uniform picks a duration in [lo, hi] uniformly.
func uniform(r *rand.Rand, lo, hi time.Duration) time.Duration {
	n := int64(hi-lo) + 1
	if r == nil {
		return lo + time.Duration(rand.Int64N(n))
	}
	return lo + time.Duration(r.Int64N(n))
}
