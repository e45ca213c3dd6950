package statemachine

import (
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// start handles Start: PREINIT, then INIT-REBOOT or INIT, at once or after
// initial-delay (dhclient.c main: random()%(delay-1) seconds plus a random
// microsecond part).
func (m *Machine) start(now time.Time) {
	if m.state != StateStopped {
		return
	}
	m.emit(RunHook{Reason: ReasonPreinit})
	if m.cfg.InitialDelay <= 0 {
		m.reboot(now)
		return
	}
	var sec int64
	if d := seconds(m.cfg.InitialDelay, 0); d > 1 {
		sec = m.randMod(d - 1)
	}
	at := now.Add(time.Duration(sec)*time.Second + time.Duration(m.randMod(1000000))*time.Microsecond)
	m.state = StateInit
	t := timerInit
	if m.rebootable(now) {
		m.state, t = StateInitReboot, timerReboot
	}
	m.setTimer(t, at)
}

// startInit enters INIT and sends the first DISCOVER at once, with a new
// xid (RFC 2131 §4.4.1, dhclient.c state_init).
func (m *Machine) startInit(now time.Time) {
	if m.informing() {
		m.startInform(now)
		return
	}
	m.resetExchange()
	m.state = StateSelecting
	m.xid = m.rng.Uint32()
	m.first = now
	m.interval = seconds(m.cfg.InitialInterval, 1)
	m.sendDiscover(now)
}

// resetExchange forgets everything about the exchange in progress.
func (m *Machine) resetExchange() {
	m.offers, m.offer, m.pending, m.trying = nil, nil, nil, nil
	m.setTimer(timerNone, time.Time{})
}

// sendDiscover transmits a DISCOVER and schedules the next one, or gives
// up when the timeout has passed (reference §6.1).
func (m *Machine) sendDiscover(now time.Time) {
	el := m.elapsed(now)
	timeout := seconds(m.cfg.Timeout, 0)
	if el > timeout {
		m.discoverTimedOut(now)
		return
	}
	m.nextInterval(now)
	m.secs = secsField(el)
	msg := m.message(dhcp4.Discover)
	msg.Secs = m.secs
	if prev := m.previous(); prev != nil && !m.cfg.Anonymity { // RFC 7844 §3.3
		msg.Options.SetAddr(dhcp4.OptRequestedIP, prev.Addr)
	}
	if m.cfg.RapidCommit {
		msg.Options.Set(dhcp4.OptRapidCommit, nil) // RFC 4039 §4
	}
	m.addClientOptions(msg, withAll)
	to := m.cfg.broadcastTo()
	m.logf("DHCPDISCOVER on %s to %s port %d interval %d", m.cfg.Interface, to.Addr(), to.Port(), m.interval)
	m.send(msg, to)
	m.setTimer(timerDiscover, m.after(now, m.interval))
}

// nextInterval grows the retransmission interval of a DISCOVER or INFORM
// and cuts it to end a second after timeout (reference §6.1).
func (m *Machine) nextInterval(now time.Time) {
	m.backoff(0)
	if end := m.first.Unix() + seconds(m.cfg.Timeout, 0); now.Unix()+m.interval > end {
		m.interval = end - now.Unix() + 1
	}
}

// addOffer records an acceptable offer (dhclient.c dhcpoffer): the offer of
// the address asked for goes first, others in arrival order; then the best
// is requested at once, or when select-timeout has passed.
func (m *Machine) addOffer(now time.Time, l *Lease) {
	if prev := m.previous(); prev != nil && l.Addr == prev.Addr {
		m.offers = append([]*Lease{l}, m.offers...)
	} else {
		m.offers = append(m.offers, l)
	}
	stop := m.first.Unix() + seconds(m.cfg.SelectTimeout, 0)
	if stop <= now.Unix() {
		m.selectOffer(now)
		return
	}
	// No more DISCOVERs while collecting (ISC cancels send_discover).
	m.setTimer(timerSelect, time.Unix(stop, int64(now.Nanosecond())))
}

// selectOffer moves to REQUESTING with the first collected offer, keeping
// the xid (RFC 2131 §4.4.1, dhclient.c state_selecting).
func (m *Machine) selectOffer(now time.Time) {
	if len(m.offers) == 0 {
		m.startInit(now)
		return
	}
	m.offer, m.offers = m.offers[0], nil
	m.state = StateRequesting
	if m.offer.BOOTP {
		m.bindBOOTP(now)
		return
	}
	m.first = now
	m.interval = seconds(m.cfg.InitialInterval, 1)
	m.sendRequest(now)
}

// BOOTP leases have no lease time; ISC makes up these (dhclient.c
// state_selecting: "XXX these should be configurable").
const (
	bootpRenew  = 8000 * time.Second
	bootpRebind = 10000 * time.Second
	bootpExpire = 12000 * time.Second
)

// bindBOOTP binds a BOOTP server's offer at once: there is no REQUEST and
// ACK in BOOTP (RFC 951), as in ISC's state_selecting.
func (m *Machine) bindBOOTP(now time.Time) {
	l := m.offer
	m.offer = nil
	base := time.Unix(now.Unix(), 0)
	l.Renew, l.Rebind, l.Expire = base.Add(bootpRenew), base.Add(bootpRebind), base.Add(bootpExpire)
	m.bind(now, l, ReasonBound)
}

// discoverTimedOut handles the end of timeout without an offer
// (dhclient.c state_panic): every
// unexpired stored lease, then fallback lease, is offered to the TIMEOUT
// hook; with none left it is FAIL.
func (m *Machine) discoverTimedOut(now time.Time) {
	m.resetExchange()
	m.logf("No DHCPOFFERS received.")
	var cand []*Lease
	for _, l := range append([]*Lease{m.active}, m.leases...) {
		if l != nil && !l.ExpiredAt(now) {
			cand = append(cand, l)
		}
	}
	m.leases = cand
	m.trying = cand
	m.tryNext(now)
}

// tryNext offers trying[0] to the TIMEOUT hook, configured first so the
// hook can test it (native mode), or fails when none is left.
func (m *Machine) tryNext(now time.Time) {
	if len(m.trying) == 0 {
		m.active = nil
		m.fail(now)
		return
	}
	l := m.trying[0]
	kind := "recorded"
	if l.Fallback {
		kind = "fallback"
	}
	m.state = StateTrying
	m.logf("Trying %s lease %s", kind, l.Addr)
	m.configure(l)
	m.emit(RunHook{Reason: ReasonTimeout, New: l})
}

// timeoutResult handles the TIMEOUT hook's status: 0 binds the stored
// lease (renewing at its renew time, or at once if that has passed),
// anything else tries the next lease.
func (m *Machine) timeoutResult(now time.Time, code int) {
	l := m.trying[0]
	m.trying = m.trying[1:]
	if code != 0 {
		m.deconfigure()
		m.tryNext(now)
		return
	}
	m.trying = nil
	m.linkLocalOff()
	m.leases = removeLease(m.leases, l)
	m.active = l
	m.state = StateBound
	switch {
	case l.Renew.IsZero():
	case now.Unix() < l.Renew.Unix():
		m.logf("bound: renewal in %d seconds.", l.Renew.Unix()-now.Unix())
		m.setTimer(timerRenew, m.after(now, l.Renew.Unix()-now.Unix()))
	default:
		m.logf("bound: immediate renewal.")
		m.startRenew(now)
	}
	// Ready last: ISC detaches after these lines (state_panic), and a
	// daemon's parent shows what came before it returned.
	m.markReady()
}

// fail runs FAIL and either gives up (-1) or sleeps for the retry draw
// (reference §2.1: (retry+1)/2 + random()%retry seconds).
func (m *Machine) fail(now time.Time) {
	m.deconfigure()
	if !m.runFail() {
		return
	}
	if m.cfg.IPv4LL {
		m.state = StateInit
		m.linkLocalFail(now)
		return
	}
	retry := seconds(m.cfg.Retry, 1)
	m.state = StateInit
	m.setTimer(timerInit, m.after(now, (retry+1)/2+m.randMod(retry)))
}

// runFail runs FAIL: under -1 it gives up and reports false; else the
// first readiness waits for the hook's result.
func (m *Machine) runFail() bool {
	if m.cfg.OneTry {
		m.logf("Unable to obtain a lease on first try.  Exiting.")
		m.emit(RunHook{Reason: ReasonFail, GivingUp: true}, GiveUp{})
		m.halt()
		return false
	}
	m.logf("No working leases in persistent database - sleeping.")
	m.emit(RunHook{Reason: ReasonFail})
	m.readyAtFail = !m.ready
	return true
}

// markReady emits Ready the first time.
func (m *Machine) markReady() {
	if !m.ready {
		m.ready = true
		m.emit(Ready{})
	}
}

// halt stops all activity; the lease, if any, is kept.
func (m *Machine) halt() {
	m.linkLocalOff()
	m.resetExchange()
	m.awaiting = nil
	m.state = StateStopped
}

func removeLease(ls []*Lease, l *Lease) []*Lease {
	out := ls[:0:0]
	for _, x := range ls {
		if x != l {
			out = append(out, x)
		}
	}
	return out
}
