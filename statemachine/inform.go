package statemachine

import (
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// informing reports whether the machine runs in inform mode: the address
// was set by hand and only parameters are asked for (RFC 2131 §3.4).
func (m *Machine) informing() bool { return m.cfg.Inform.IsValid() }

// startInform begins a DHCPINFORM exchange with a new xid, retransmitted
// as DISCOVERs are until timeout (RFC 2131 §4.4.3, §4.1).
func (m *Machine) startInform(now time.Time) {
	m.resetExchange()
	m.state = StateInforming
	m.xid = m.rng.Uint32()
	m.first = now
	m.interval = seconds(m.cfg.InitialInterval, 1)
	m.sendInform(now)
}

// sendInform transmits a DHCPINFORM: ciaddr is the address set by hand;
// no requested address, server identifier or lease time (RFC 2131 §4.4.3,
// table 5). With no answer within timeout it is FAIL and a new attempt
// after the retry draw.
func (m *Machine) sendInform(now time.Time) {
	el := m.elapsed(now)
	if el > seconds(m.cfg.Timeout, 0) {
		m.resetExchange()
		m.logf("No DHCPACK to DHCPINFORM received.")
		m.fail(now)
		return
	}
	m.nextInterval(now)
	msg := m.message(dhcp4.Inform)
	msg.Secs = secsField(el)
	msg.CIAddr = m.cfg.Inform
	m.addClientOptions(msg, withAll)
	to := m.cfg.broadcastTo()
	m.logf("DHCPINFORM for %s on %s to %s port %d interval %d", m.cfg.Inform, m.cfg.Interface, to.Addr(), to.Port(), m.interval)
	m.send(msg, to)
	m.setTimer(timerInform, m.after(now, m.interval))
}

// informAcked takes the parameters of the DHCPACK to a DHCPINFORM: a
// lease-less Lease for the address set by hand, exported with INFORM
// (RFC 2131 §4.4.3). Nothing is configured or recorded; any lease time
// or yiaddr the server sent is ignored. Renew asks again.
func (m *Machine) informAcked(msg *dhcp4.Message, src string) {
	m.logf("DHCPACK to DHCPINFORM for %s from %s", m.cfg.Inform, src)
	l := m.toLease(msg)
	l.Addr = m.cfg.Inform
	l.Options.Del(dhcp4.OptLeaseTime)
	old := m.informed
	m.resetExchange()
	m.informed = l
	m.state = StateInformed
	m.emit(RunHook{Reason: ReasonInform, New: l, Old: old})
}
