package statemachine

import "time"

// random returns a non-negative 31-bit value, like the C random() that
// ISC's formulas are written for.
func (m *Machine) random() int64 { return int64(m.rng.Uint32() >> 1) }

// randMod returns random() % n, or 0 when n is not positive (ISC would
// divide by zero; leased treats such configuration values as 1).
func (m *Machine) randMod(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return m.random() % n
}

// timeMax is ISC's TIME_MAX (osdep.h): the largest time its timers and
// its lease arithmetic take.
const timeMax = 1<<31 - 1

// after returns ISC's timeout for "interval seconds from now": the whole
// second of now plus interval, with a random microsecond part when the
// interval is over a second, else now's own (dhclient.c send_discover),
// so clients with synchronised clocks do not transmit in step. As ISC's
// add_timeout (dispatch.c), an interval of TIME_MAX or more is reduced to
// TIME_MAX-1 whole seconds, with its log line.
func (m *Machine) after(now time.Time, interval int64) time.Time {
	interval = max(interval, 1)
	usec := int64(now.Nanosecond() / 1000)
	if interval > 1 {
		usec = m.randMod(1000000)
	}
	if interval >= timeMax {
		m.logf("Timeout too large reducing to: %d (TIME_MAX - 1)", timeMax-1)
		interval, usec = timeMax-1, 0
	}
	return time.Unix(now.Unix()+interval, usec*1000)
}

// backoff advances the retransmission interval as ISC does (reference
// §6.1): the first call yields initial-interval plus a random increment
// below twice itself, each later one adds such an increment, and an
// interval beyond backoff-cutoff is re-drawn as cutoff/2 + rand%cutoff.
// send_request draws random()>>2 where send_discover draws random(); shift
// keeps that difference.
func (m *Machine) backoff(shift uint) {
	draw := func(n int64) int64 {
		if n <= 0 {
			return 0
		}
		return (m.random() >> shift) % n
	}
	if m.interval <= 0 {
		m.interval = seconds(m.cfg.InitialInterval, 1)
	} else {
		m.interval += draw(2 * m.interval)
	}
	if cut := seconds(m.cfg.BackoffCutoff, 1); m.interval > cut {
		m.interval = cut/2 + draw(cut)
	}
	m.interval = max(m.interval, 1)
}

// elapsed returns whole seconds since the exchange began, as ISC's
// cur_time - first_sending.
func (m *Machine) elapsed(now time.Time) int64 { return now.Unix() - m.first.Unix() }

// secsField caps elapsed seconds for the BOOTP secs field (RFC 2131 §2).
func secsField(s int64) uint16 { return uint16(min(max(s, 0), 65535)) }
