package statemachine

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// ackReceived handles an ACK (dhclient.c dhcpack): a lease without a
// lease time puts the server on the reject list and restarts INIT after
// 0.5 s; otherwise the lease is probed (new address, arp-check on) or
// bound. While SELECTING only a Rapid Commit ACK is taken, and only when
// the DISCOVER asked for it (RFC 4039 §4); a requested option 108 stops
// DHCPv4 instead (RFC 8925 §3.2); in inform mode the ACK carries
// parameters only.
func (m *Machine) ackReceived(now time.Time, msg *dhcp4.Message, src netip.Addr) {
	if m.state == StateInforming {
		m.informAcked(msg, src.String())
		return
	}
	why, ok := ackReason(m.state)
	rapid := m.state == StateSelecting && m.cfg.RapidCommit && msg.Options.Has(dhcp4.OptRapidCommit)
	if rapid {
		why, ok = ReasonBound, true // RFC 4039 §4: the ACK commits at once
	}
	if !ok {
		m.emit(Dropped{Class: DropUnexpected, Reason: "DHCPACK in " + m.state.String()})
		return
	}
	if !usable(msg.YIAddr) {
		m.emit(Dropped{Class: DropUnusable, Reason: "DHCPACK of unusable address " + msg.YIAddr.String()})
		return
	}
	// A Rapid Commit ACK is the only offer the client sees: it must hold
	// what require asks of an offer.
	if rapid && m.lacksRequired(msg, "DHCPACK of "+msg.YIAddr.String()+" from "+src.String()) {
		return
	}
	m.logf("DHCPACK of %s from %s", msg.YIAddr, src)
	if wait := m.v6OnlyWait(msg); wait > 0 {
		m.logf("v6 only preferred for %d seconds.", wait)
		m.startV6Only(now, wait)
		return
	}
	secs, ok := msg.LeaseTime()
	if !ok || secs == 0 {
		m.logf("no expiry time on offered lease.")
		if src.IsValid() {
			m.rejected = append(m.rejected, netip.PrefixFrom(src, 32))
		}
		m.resetExchange()
		m.state = StateInit
		m.setTimer(timerInit, now.Add(500*time.Millisecond))
		return
	}
	l := m.toLease(msg)
	m.setTimes(now, l, msg, secs)
	if m.cfg.ARPCheck && (why == ReasonBound || why == ReasonReboot) && (m.active == nil || m.active.Addr != l.Addr) {
		m.resetExchange()
		m.state = StateProbing
		m.pending, m.pendWhy = l, why
		m.emit(Probe{Addr: l.Addr})
		return
	}
	m.bind(now, l, why)
}

// ackReason is the hook reason for an ACK in state s, and whether an ACK
// is expected at all.
func ackReason(s State) (Reason, bool) {
	switch s {
	case StateRequesting:
		return ReasonBound, true
	case StateRebooting:
		return ReasonReboot, true
	case StateRenewing:
		return ReasonRenew, true
	case StateRebinding:
		return ReasonRebind, true
	}
	return 0, false
}

// setTimes computes T1, T2 and expiry in whole seconds as ISC does
// (reference §6.2, dhclient.c dhcpack, 64-bit time_t): T1 from option 58
// or lease/2+1, randomised to (3*T1+3)/4 + (random()%T1+3)/4 unless that
// could overflow; T2 from option 59 or 7/8 of the lease; T1 beyond T2
// becomes 3/4 of T2. An infinite lease (0xffffffff, RFC 2131 §3.3) goes
// through the same arithmetic, as in ISC: T1 in 2^31 s, T2 and the
// expiry far in the future, which hooks and the lease file see.
func (m *Machine) setTimes(now time.Time, l *Lease, msg *dhcp4.Message, lease uint32) {
	exp := int64(lease)
	t1, _ := msg.Options.Uint32(dhcp4.OptRenewalTime)
	renew := int64(t1)
	if renew == 0 {
		renew = exp/2 + 1
	}
	if renew <= timeMax/3-3 {
		renew = (3*renew+3)/4 + (m.randMod(renew)+3)/4
	}
	t2, _ := msg.Options.Uint32(dhcp4.OptRebindingTime)
	rebind := int64(t2)
	if rebind == 0 {
		rebind = scale(exp, 7, 8)
	}
	if renew > rebind {
		renew = scale(rebind, 3, 4)
	}
	base := now.Unix()
	l.Renew = time.Unix(base+renew, 0)
	l.Rebind = time.Unix(base+rebind, 0)
	l.Expire = time.Unix(base+exp, 0)
}

// scale returns v*num/den, dividing first when v*num could pass ISC's
// TIME_MAX (dhclient.c: expiry / 8 * 7 beyond TIME_MAX / 7), so the
// rounding is ISC's too.
func scale(v, num, den int64) int64 {
	if v <= timeMax/num {
		return v * num / den
	}
	return v / den * num
}

// toLease turns an OFFER or ACK into a Lease, applying the configured
// default, supersede, prepend and append modifiers (reference §2.2).
func (m *Machine) toLease(msg *dhcp4.Message) *Lease {
	opts := modify(msg.Options.Joined(), m.cfg.Modifiers)
	return &Lease{
		Addr: msg.YIAddr, NextServer: msg.SIAddr,
		ServerName: msg.SName, Filename: msg.File, Options: opts,
	}
}

// bind makes l the active lease (dhclient.c bind_lease). In native mode
// the address is configured before the hook runs; the hook's status can
// still decline it (HookResult). The lease is recorded first, before the
// address appears and the hook runs, so that a daemon stopped at any
// moment after leaves it in the file (SPEC §7); a declined lease is
// forgotten again. ISC writes it only after the script succeeded, and a
// dhclient -x during a slow BOUND hook lost it.
func (m *Machine) bind(now time.Time, l *Lease, why Reason) {
	old := m.previous()
	m.lapsed = nil
	m.resetExchange()
	m.takeReconfigureKey(l)
	m.emit(Persist{Lease: l})
	m.linkLocalOff()
	m.configure(l)
	hook := RunHook{Reason: why, New: l, Old: old}
	if why == ReasonReboot {
		hook.Old = nil // REBOOT exports no old_* [obs env/2]
	}
	m.emit(hook)
	if old != nil && old.Fallback {
		m.leases = append(m.leases, old) // keep a fallback lease for later timeouts
	}
	m.leases = removeLease(m.leases, l)
	m.active = l
	m.state = StateBound
	m.awaiting = append(m.awaiting, hookWait{reason: why, lease: l, previous: old})
	// T1 already due (a lease of a second or two, for which ISC's
	// formulas give T1 = 0): renew at once, as ISC does, but never sooner
	// than minRequestGap after the last REQUEST, so a server handing out
	// such leases gets at most one REQUEST a second. ISC arms the timer
	// before it logs, so a "Timeout too large" comes first.
	n := l.Renew.Unix() - now.Unix()
	at := now
	if n > 0 {
		at = m.after(now, n)
	}
	m.logf("bound to %s -- renewal in %d seconds.", l.Addr, n)
	m.setTimer(timerRenew, m.requestAt(now, at))
}

// minRequestGap is the least time between two REQUESTs of an interface
// (SPEC §4 "Never stuck"): ISC's retransmissions are a second or more
// apart, but its renewal of a lease with T1 = 0, its REQUEST after a NAK
// and a quick OFFER, or a renewal asked for twice come at once. The
// REQUEST after an INIT-REBOOT's NAK is let through (nakReceived).
const minRequestGap = time.Second

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// configure puts l on the interface, replacing what was there.
func (m *Machine) configure(l *Lease) {
	m.emit(Configure{Lease: l, Old: m.cfgd})
	m.cfgd = l
}

// deconfigure removes what configure added, if anything.
func (m *Machine) deconfigure() {
	if m.cfgd != nil {
		m.emit(Deconfigure{Lease: m.cfgd})
		m.cfgd = nil
	}
}

// decline refuses l after a hook or ARP conflict: DHCPDECLINE, then INIT
// after decline-wait, or FAIL and GiveUp under -1 (dhclient.c bind_lease).
func (m *Machine) decline(now time.Time, l *Lease) {
	if m.cfgd == l {
		m.deconfigure()
	}
	if m.active == l {
		m.active = nil
		m.emit(Forget{Lease: l})
	}
	m.resetExchange()
	m.awaiting = nil
	to := m.cfg.broadcastTo()
	m.logf("DHCPDECLINE of %s on %s to %s port %d", l.Addr, m.cfg.Interface, to.Addr(), to.Port())
	m.send(m.declineMessage(l), to)
	if m.cfg.OneTry {
		m.logf("Unable to obtain a lease on first try (declined).  Exiting.")
		m.emit(RunHook{Reason: ReasonFail, GivingUp: true}, GiveUp{})
		m.halt()
		return
	}
	m.state = StateInit
	m.setTimer(timerInit, now.Add(max(m.cfg.DeclineWait, 0)))
}

// expire drops the active lease: deconfigure, EXPIRE with old_*, PREINIT
// (reference §3.2). The caller picks the next state.
func (m *Machine) expire() {
	l := m.active
	m.active = nil
	m.awaiting = nil
	switch m.cfgd {
	case l:
		m.deconfigure()
	case nil:
		// Its address may be on the interface all the same, left by the
		// daemon before a restart (SIGTERM leaves it), as a NAK of the
		// INIT-REBOOT finds it: EXPIRE takes it away, as Debian's script
		// removes old_ip_address. The platform removes only what matches
		// the lease, as at release.
		m.emit(Deconfigure{Lease: l})
	}
	m.emit(RunHook{Reason: ReasonExpire, Old: l}, RunHook{Reason: ReasonPreinit})
}

// checkExpiry handles an active lease that has run out by now, whatever
// the event: in use, it is EXPIRE and INIT; merely remembered, it is no
// longer used. Either way it stays as the lapsed lease, as ISC keeps it as
// client->active (dhclient.c send_request): the next DISCOVER asks for its
// address (option 50) and the next BOUND exports it as old_*.
func (m *Machine) checkExpiry(now time.Time) {
	l := m.active
	if l == nil || !l.ExpiredAt(now) {
		return
	}
	switch {
	case m.state == StatePaused || m.state == StateStopped:
		m.active = nil
	case m.state.holding() || m.cfgd == l:
		m.expire()
		if m.state.holding() && m.state != StateLinkDown {
			defer m.startInit(now) // after lapsed is set: the DISCOVER asks for it
		}
	default:
		m.active = nil
	}
	m.lapsed = l
}

// previous is the lease the next one follows: the active one, or else
// the one that lapsed.
func (m *Machine) previous() *Lease {
	if m.active != nil {
		return m.active
	}
	return m.lapsed
}
