package statemachine

import (
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// rebootable reports whether the active lease can be tried with
// INIT-REBOOT: present, unexpired and not from BOOTP (dhclient.c
// state_reboot). The anonymity profile never asks for an address the
// network could link to an earlier visit (RFC 7844 §3.3).
func (m *Machine) rebootable(now time.Time) bool {
	return m.active != nil && !m.active.BOOTP && !m.active.ExpiredAt(now) && !m.cfg.Anonymity
}

// reboot enters INIT-REBOOT: a broadcast REQUEST for the remembered
// address with a new xid (RFC 2131 §3.2, §4.3.2), or INIT without one.
func (m *Machine) reboot(now time.Time) {
	if !m.rebootable(now) {
		m.startInit(now)
		return
	}
	m.resetExchange()
	m.state = StateRebooting
	m.xid = m.rng.Uint32()
	m.first = now
	m.interval = seconds(m.cfg.InitialInterval, 1)
	m.sendRequest(now)
}

// startRenew enters RENEWING at T1 (RFC 2131 §4.4.5): the REQUEST goes to
// the server with the xid of the exchange that got the lease.
func (m *Machine) startRenew(now time.Time) { m.extend(now, StateRenewing) }

// extend starts a new exchange in RENEWING or REBINDING for the active
// lease (RFC 2131 §4.4.5).
func (m *Machine) extend(now time.Time, state State) {
	m.resetExchange()
	m.state = state
	m.first = now
	m.interval = seconds(m.cfg.InitialInterval, 1)
	m.sendRequest(now)
}

// renewNow handles Renew: renew at once when bound, start again when
// paused or stopped, a new DHCPINFORM in inform mode, DISCOVER at once
// in V6ONLY.
func (m *Machine) renewNow(now time.Time) {
	switch m.state {
	case StateBound, StateRenewing, StateRebinding:
		if m.active != nil {
			m.startRenew(now)
		}
	case StatePaused:
		m.reboot(now)
	case StateStopped:
		m.start(now)
	case StateInforming, StateInformed:
		m.startInform(now) // inform mode: ask for the parameters again
	case StateV6Only:
		m.startInit(now) // the operator asks for IPv4 before V6ONLY_WAIT ends
	}
}

// rebindNow handles Rebind: broadcast REQUESTs at once, as after T2.
func (m *Machine) rebindNow(now time.Time) {
	switch m.state {
	case StateBound, StateRenewing, StateRebinding:
		if m.active != nil {
			m.extend(now, StateRebinding)
		}
	}
}

// sendRequest transmits a REQUEST in REQUESTING, REBOOTING, RENEWING or
// REBINDING and schedules the next one (dhclient.c send_request,
// reference §6.2). One due sooner than minRequestGap after the last
// waits until then.
func (m *Machine) sendRequest(now time.Time) {
	if at := m.requestAt(now, now); at.After(now) {
		m.setTimer(timerRequest, at)
		return
	}
	el := m.elapsed(now)
	if (m.state == StateRebooting || m.state == StateRequesting) && el > seconds(m.cfg.Reboot, 0) {
		m.startInit(now)
		return
	}
	m.backoff(2)
	l := m.active
	if m.state == StateRequesting {
		l = m.offer
	}
	if l == nil { // unreachable: every entry to these states has a lease
		m.startInit(now)
		return
	}
	if m.state != StateRequesting && !l.Infinite() && now.Unix()+m.interval > l.Expire.Unix() {
		m.interval = l.Expire.Unix() - now.Unix() + 1
	}
	// After T2 the request is broadcast (RFC 2131 §4.4.5); ISC stays in
	// RENEWING, leased reports it as REBINDING (SPEC §13).
	if m.state == StateRenewing && !l.Rebind.IsZero() && !now.Before(l.RebindFrom()) {
		m.state = StateRebinding
	}
	msg := m.message(dhcp4.Request)
	to := m.cfg.broadcastTo()
	switch m.state {
	case StateRequesting:
		msg.Secs = m.secs
		if sid, ok := l.ServerID(); ok {
			msg.Options.SetAddr(dhcp4.OptServerID, sid)
		}
		msg.Options.SetAddr(dhcp4.OptRequestedIP, l.Addr)
	case StateRebooting:
		msg.Secs = secsField(el)
		msg.Options.SetAddr(dhcp4.OptRequestedIP, l.Addr)
	default:
		msg.Secs = secsField(el)
		msg.CIAddr = l.Addr
		if sid, ok := l.ServerID(); ok && m.state == StateRenewing {
			to = m.cfg.serverAt(sid)
		}
	}
	m.addClientOptions(msg, withAll)
	m.logf("DHCPREQUEST for %s on %s to %s port %d", l.Addr, m.cfg.Interface, to.Addr(), to.Port())
	m.send(msg, to)
	m.lastRequest = now
	next := m.after(now, m.interval)
	// Rebinding starts at T2 (RFC 2131 §4.4.5). ISC waits for the next
	// retransmission after T2, which on a short lease can fall after the
	// expiry, so that no rebind is ever sent.
	if m.state == StateRenewing && !l.Rebind.IsZero() && now.Before(l.RebindFrom()) && next.After(l.RebindFrom()) {
		next = l.RebindFrom()
	}
	m.setTimer(timerRequest, m.requestAt(now, next))
}

// requestAt returns when a REQUEST due at at may go out: at, or
// minRequestGap after the last REQUEST if that is later. Every REQUEST
// (selecting, INIT-REBOOT, renewal, rebinding, retransmission) is timed
// through it. A wall clock stepped back cannot hold REQUESTs for longer
// than the gap.
func (m *Machine) requestAt(now, at time.Time) time.Time {
	free := m.lastRequest.Add(minRequestGap)
	if limit := now.Add(minRequestGap); free.After(limit) {
		free = limit
	}
	return later(at, free)
}
