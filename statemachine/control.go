package statemachine

import (
	"time"
)

// linkDown keeps the lease and stops sending (SPEC §4); a candidate that
// was configured but not yet accepted is removed. Before the first lease
// the timeout still runs from the exchange's first send: ISC, which does
// not watch the carrier, sends into the dead link and gives up then, and
// cloud-init and ifupdown wait for dhclient -1 or the parent to return.
func (m *Machine) linkDown(now time.Time) {
	switch m.state {
	case StateStopped, StatePaused, StateLinkDown:
		return
	}
	if m.cfgd != nil && m.cfgd != m.active {
		m.deconfigure()
	}
	m.resetExchange()
	m.state = StateLinkDown
	if !m.ready {
		first := m.first
		if first.IsZero() {
			first = now
		}
		m.setTimer(timerGiveUp, time.Unix(first.Unix()+seconds(m.cfg.Timeout, 0)+1, 0))
	}
}

// linkDownTimedOut is the timeout of the first exchange passing while the
// link is down (linkDown): FAIL, as ISC's after its DISCOVERs went
// unanswered, without trying the recorded leases, which the dead link
// could not confirm. Under -1 that gives up; else readiness comes with
// the FAIL hook and the machine waits for the carrier.
func (m *Machine) linkDownTimedOut() {
	if m.informing() {
		m.logf("No DHCPACK to DHCPINFORM received.")
	} else {
		m.logf("No DHCPOFFERS received.")
	}
	m.runFail()
}

// linkUp restarts with INIT-REBOOT after carrier loss (SPEC §4).
func (m *Machine) linkUp(now time.Time) {
	if m.state == StateLinkDown {
		m.reboot(now)
	}
}

// pause runs STOP, deconfigures and turns the timers off, keeping the
// lease for Resume (SPEC §8, OMAPI state 3).
func (m *Machine) pause() {
	switch m.state {
	case StateStopped, StatePaused:
		return
	}
	m.deconfigure()
	m.runStop()
	m.halt()
	m.state = StatePaused
}

// stop runs STOP and stops, keeping the lease in the lease file (dhclient
// -x, reference §1.5); the address leased added is removed (SPEC §5).
// A machine already stopped goes to stopRecorded instead (Step).
func (m *Machine) stop() {
	m.deconfigure()
	m.runStop()
	m.halt()
}

// runStop runs STOP with ISC's client->active as old_*: the active lease,
// or the one that lapsed or was declined; in inform mode the parameters
// of the last DHCPACK to a DHCPINFORM, whose DNS the INFORM hook
// published (Lease). Without one there is no STOP (dhclient.c
// state_stop): nothing to unconfigure, and hooks such as Debian's
// timesyncd one would drop what other interfaces set up.
func (m *Machine) runStop() {
	if l := m.previous(); l != nil {
		m.emit(RunHook{Reason: ReasonStop, Old: l})
	} else if m.informing() && m.informed != nil {
		m.emit(RunHook{Reason: ReasonStop, Old: m.informed})
	}
}

// stopRecorded is Stop on a machine that is not running: dhclient -x
// without a daemon runs STOP with the recorded lease (reference §1.5).
// The address a killed daemon left may still be on the interface, so it
// is removed first, as release does; the platform removes only what
// matches the lease. A released machine holds no lease and does nothing.
func (m *Machine) stopRecorded() {
	if l := m.active; l != nil {
		m.emit(Deconfigure{Lease: l}, RunHook{Reason: ReasonStop, Old: l})
	}
}

// release sends DHCPRELEASE to the server (before the hook, as ISC),
// deconfigures, runs RELEASE with old_expiry = now, persists the lease as
// released and stops (reference §1.5, §5.2).
func (m *Machine) release(now time.Time) {
	l := m.active
	if l == nil {
		m.linkLocalOff() // nothing to release; a link-local address goes all the same
		return
	}
	to := m.cfg.broadcastTo()
	if sid, ok := l.ServerID(); ok {
		to = m.cfg.serverAt(sid)
	}
	m.logf("DHCPRELEASE of %s on %s to %s port %d", l.Addr, m.cfg.Interface, to.Addr(), to.Port())
	m.send(m.releaseMessage(l), to)
	done := m.cfgd
	m.deconfigure()
	if done == nil || done.Addr != l.Addr {
		// The released address may still be on the interface though this
		// machine never configured it: left by a daemon that was killed
		// before dhclient -r (SPEC §2 removes it then too). A released
		// address must not stay in use; the platform removes only what
		// matches the lease.
		m.emit(Deconfigure{Lease: l})
	}
	rel := l.Clone()
	t := time.Unix(now.Unix(), 0)
	rel.Renew, rel.Rebind, rel.Expire = t, t, t
	m.emit(RunHook{Reason: ReasonRelease, Old: rel}, Persist{Lease: rel})
	m.active = nil
	m.halt()
}

// hookResult acts on the exit status of a hook: TIMEOUT decides whether a
// stored lease is used (0 only); a positive BOUND, RENEW, REBIND or REBOOT
// status declines the lease if it is still the active one (recorded at
// bind: forgotten again), and the lease it followed becomes ISC's
// client->active again: the next DISCOVER asks for its address and the
// next BOUND exports it as old_* (dhclient.c bind_lease declines only
// client->new). Any other status makes the daemon ready.
func (m *Machine) hookResult(now time.Time, ev HookResult) {
	if ev.Reason == ReasonInform || ev.Reason == ReasonV6Only {
		m.markReady() // DHCPv4 is done here: the parameters, or no IPv4 at all
		return
	}
	if ev.Reason == ReasonFail {
		if m.readyAtFail {
			m.readyAtFail = false
			m.markReady()
		}
		return
	}
	if ev.Reason == ReasonTimeout {
		if m.state == StateTrying && len(m.trying) > 0 {
			code := ev.ExitCode
			if m.trying[0].ExpiredAt(now) {
				code = -1 // expired while the hook ran: never used
			}
			m.timeoutResult(now, code)
		}
		return
	}
	if !ev.Reason.declinable() {
		return
	}
	i := 0
	for i < len(m.awaiting) && m.awaiting[i].reason != ev.Reason {
		i++
	}
	if i == len(m.awaiting) {
		return
	}
	w := m.awaiting[i]
	m.awaiting = m.awaiting[i+1:]
	if w.lease != m.active || !m.inUse() {
		return
	}
	if ev.ExitCode > 0 {
		m.decline(now, w.lease)
		m.lapsed = w.previous
		return
	}
	m.markReady()
}

// inUse reports whether the active lease is bound or being extended.
func (m *Machine) inUse() bool {
	return m.state == StateBound || m.state == StateRenewing || m.state == StateRebinding
}

// probeResult binds the probed lease, or declines it on a conflict.
func (m *Machine) probeResult(now time.Time, ev ProbeResult) {
	if m.state != StateProbing || m.pending == nil {
		return
	}
	l, why := m.pending, m.pendWhy
	m.pending = nil
	if ev.Conflict {
		m.decline(now, l)
		return
	}
	if l.ExpiredAt(now) {
		// A lease shorter than the probe (arp-check rfc5227 takes
		// seconds): never used (SPEC §4 "Time"); ask again.
		m.emit(Dropped{Class: DropUnusable, Reason: "lease of " + l.Addr.String() + " ran out during the address check"})
		m.startInit(now)
		return
	}
	m.bind(now, l, why)
}
