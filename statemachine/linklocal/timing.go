package linklocal

import (
	"math/rand/v2"
	"time"
)

// RFC 3927 §9 constants (the same values as RFC 5227 §1.1).
const (
	ProbeWait         = 1 * time.Second  // initial random delay
	ProbeNum          = 3                // number of probes
	ProbeMin          = 1 * time.Second  // least delay between probes
	ProbeMax          = 2 * time.Second  // greatest delay between probes
	AnnounceWait      = 2 * time.Second  // delay after the last probe before claiming
	AnnounceNum       = 2                // number of announcements
	AnnounceInterval  = 2 * time.Second  // time between announcements
	MaxConflicts      = 10               // conflicts before the rate limit applies
	RateLimitInterval = 60 * time.Second // least time between candidates after MaxConflicts
	DefendInterval    = 10 * time.Second // least time between defences
)

// startDelay is the wait before the first probe of a new candidate
// (§2.2.1): uniform in [0, PROBE_WAIT], or RATE_LIMIT_INTERVAL once
// MAX_CONFLICTS conflicts have been seen, so that a host on a link where
// every address seems taken sends at most one probe sequence a minute.
func startDelay(conflicts int, r *rand.Rand) time.Duration {
	if conflicts >= MaxConflicts {
		return RateLimitInterval
	}
	return uniform(r, 0, ProbeWait)
}

// afterProbe is the wait after the n-th probe (1-based): PROBE_MIN to
// PROBE_MAX before the next one, ANNOUNCE_WAIT after the last (§2.2.1).
func afterProbe(n int, r *rand.Rand) time.Duration {
	if n >= ProbeNum {
		return AnnounceWait
	}
	return uniform(r, ProbeMin, ProbeMax)
}

// mayDefend reports whether a conflict at now may be answered with a
// defence (§2.5 (b)): none was sent in the last DEFEND_INTERVAL.
func mayDefend(lastDefence, now time.Time) bool {
	return lastDefence.IsZero() || now.Sub(lastDefence) >= DefendInterval
}

// uniform picks a duration in [lo, hi] uniformly, at nanosecond grain.
func uniform(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)+1))
}
