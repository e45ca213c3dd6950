package statemachine

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// timer says what the machine does when its own deadline passes; the
// lease expiry is a second deadline, checked on every Step.
type timer uint8

const (
	timerNone     timer = iota
	timerInit           // start INIT (after initial-delay, retry, decline-wait, 0.5 s)
	timerReboot         // start INIT-REBOOT (after initial-delay)
	timerDiscover       // retransmit DISCOVER or give up (reference §6.1)
	timerSelect         // select-timeout over: request the best offer
	timerRequest        // retransmit REQUEST (reference §6.2)
	timerRenew          // T1: start renewing
	timerInform         // retransmit DHCPINFORM or give up
	timerGiveUp         // the link went down before the first lease: FAIL at the timeout
)

// hookWait is a hook call whose exit status can decline its lease.
type hookWait struct {
	reason   Reason
	lease    *Lease
	previous *Lease // the lease lease followed (Machine.previous at bind)
}

// Machine is the RFC 2131 client state machine for one interface. It does
// no I/O, reads no clock and uses only Config.Rand: the same events at the
// same times give the same actions. It is not safe for concurrent use;
// the owning runner serialises Step calls.
type Machine struct {
	cfg   Config
	rng   *rand.Rand
	state State
	out   []Action

	// linkLocal: LinkLocal{On: true} was emitted and not yet turned off.
	linkLocal bool
	reconf    reconfigure // RFC 6704 key of the active binding (forcerenew)
	active    *Lease      // the lease in use or remembered (ISC client->active)
	lapsed    *Lease      // the active lease that expired, until the next bind
	// informed holds the parameters of the last DHCPACK to a DHCPINFORM
	// (inform mode), exported as old_* by the next INFORM.
	informed *Lease
	leases   []*Lease // other unexpired stored leases and fallback leases
	cfgd     *Lease   // the lease Configure put on the interface, if any
	ready    bool     // Ready was emitted
	// readyAtFail: Ready waits for the result of the first FAIL hook, as
	// ISC's parent returns only once FAIL has run (reference §1.3).
	readyAtFail bool

	xid   uint32
	first time.Time // first send of the current exchange (ISC first_sending)
	// lastRequest is when the last REQUEST went out: an immediate renewal
	// waits minRequestGap after it.
	lastRequest time.Time
	interval    int64    // current retransmission interval, seconds
	secs        uint16   // secs of the last DISCOVER, reused by REQUESTING
	offers      []*Lease // offers collected while SELECTING
	offer       *Lease   // the offer being requested
	rejected    []netip.Prefix

	pending  *Lease   // ACKed lease waiting for ProbeResult
	pendWhy  Reason   // hook reason for pending
	trying   []*Lease // TIMEOUT candidates; trying[0] is offered to the hook
	awaiting []hookWait

	timer   timer
	timerAt time.Time
	armed   time.Time // last Arm emitted
}

// New returns a machine in StateStopped. recorded holds the unexpired
// leases from the lease file for this interface, the last being the
// active one tried with INIT-REBOOT, and the fallback leases of the
// configuration (Lease.Fallback); all are tried after timeout
// (reference §5.1, §6.1).
func New(cfg Config, recorded []*Lease) *Machine {
	m := &Machine{cfg: anonymize(cfg), rng: cfg.Rand}
	if m.rng == nil {
		m.rng = runtimeRand
	}
	if cfg.Inform.IsValid() {
		recorded = nil // no lease in inform mode
	}
	for i := len(recorded) - 1; i >= 0; i-- {
		if l := recorded[i]; l != nil && !l.Fallback && m.active == nil {
			m.active = l
		}
	}
	for _, l := range recorded {
		if l != nil && l != m.active {
			m.leases = append(m.leases, l)
		}
	}
	return m
}

// State returns the current state.
func (m *Machine) State() State { return m.state }

// Listening reports whether a message arriving now could be wanted. In
// BOUND no exchange is open and RFC 2131 figure 5 discards every
// DHCPOFFER, DHCPACK and DHCPNAK: only a DHCPFORCERENEW can be, and only
// with forcerenew on (RFC 3203, RFC 6704). Elsewhere the machine either
// awaits an answer or sends before it awaits one.
func (m *Machine) Listening() bool {
	return m.state != StateBound || m.cfg.ForceRenew
}

// Lease returns the active lease (in use, or remembered for INIT-REBOOT
// and option 50), or in inform mode the parameters of the last DHCPACK
// to a DHCPINFORM (never configured: the state is not Configured), or
// nil. It must not be modified.
func (m *Machine) Lease() *Lease {
	if m.informing() {
		return m.informed
	}
	return m.active
}

// Step applies ev at time now and returns, in order, what the caller must
// do. Expiry of the active lease is checked against now first, so a lease
// that ran out while the system slept is never used.
func (m *Machine) Step(now time.Time, ev Event) []Action {
	m.out = nil
	if _, ok := ev.(Stop); ok && m.state == StateStopped {
		// Before the expiry check: dhclient -x hands STOP the recorded
		// lease even when it has run out (reference §1.5).
		m.stopRecorded()
		return m.out
	}
	m.checkExpiry(now)
	switch ev := ev.(type) {
	case Start:
		m.start(now)
	case Received:
		m.receive(now, ev)
	case Timeout, WokeUp:
		m.armed = time.Time{} // the runner's timer is spent: always re-arm
		m.fire(now)
	case LinkUp:
		m.linkUp(now)
	case LinkDown:
		m.linkDown(now)
	case Pause:
		m.pause()
	case Resume:
		if m.state == StatePaused {
			m.reboot(now)
		}
	case Renew:
		m.renewNow(now)
	case Rebind:
		m.rebindNow(now)
	case Release:
		m.release(now)
	case Stop:
		m.stop()
	case HookResult:
		m.hookResult(now, ev)
	case ProbeResult:
		m.probeResult(now, ev)
	default:
		panic(fmt.Sprintf("statemachine: unknown event %T", ev))
	}
	m.rearm(now)
	return m.out
}

func (m *Machine) emit(a ...Action) { m.out = append(m.out, a...) }

func (m *Machine) logf(format string, args ...any) {
	m.emit(Log{Msg: fmt.Sprintf(format, args...)})
}

// setTimer schedules t at at; timerNone clears it.
func (m *Machine) setTimer(t timer, at time.Time) { m.timer, m.timerAt = t, at }

// fire runs the machine's timer if its deadline has passed. Expiry was
// already handled by checkExpiry.
func (m *Machine) fire(now time.Time) {
	if m.timer == timerNone || now.Before(m.timerAt) {
		return
	}
	t := m.timer
	m.setTimer(timerNone, time.Time{})
	switch t {
	case timerInit:
		m.startInit(now)
	case timerReboot:
		m.reboot(now)
	case timerDiscover:
		m.sendDiscover(now)
	case timerSelect:
		m.selectOffer(now)
	case timerRequest:
		m.sendRequest(now)
	case timerRenew:
		m.startRenew(now)
	case timerInform:
		m.sendInform(now)
	case timerGiveUp:
		m.linkDownTimedOut()
	}
}

// deadline returns the earliest of the timer and the active lease's
// expiry, or zero.
func (m *Machine) deadline() time.Time {
	at := m.timerAt
	if m.timer == timerNone {
		at = time.Time{}
	}
	if l := m.active; l != nil && !l.Infinite() && m.state != StatePaused && m.state != StateStopped {
		if at.IsZero() || l.End().Before(at) {
			at = l.End()
		}
	}
	return at
}

// rearm emits Arm when the earliest deadline changed. Deadlines in the
// past are armed at now: the caller fires at once.
func (m *Machine) rearm(now time.Time) {
	at := m.deadline()
	if !at.IsZero() && at.Before(now) {
		at = now
	}
	if at.Equal(m.armed) {
		return
	}
	m.armed = at
	if at.IsZero() {
		m.emit(Arm{})
		return
	}
	m.emit(Arm{At: at, In: at.Sub(now)})
}

// Reconfigure replaces the configuration (SIGHUP, SPEC issue 6) and keeps
// the state, the lease, the exchange and the random source: new timings
// and option lists apply from the next message and deadline on.
func (m *Machine) Reconfigure(cfg Config) {
	m.cfg = anonymize(cfg)
}

// HasHostname reports whether name, as gethostname() returns it, is a
// name: "" and "(none)", a host without one, give ISC's gethostname()
// no value.
func HasHostname(name string) bool { return name != "" && name != "(none)" }
