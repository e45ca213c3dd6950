package statemachine

import (
	"bytes"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// reconfigure is the RFC 6704 state of the active binding: the key the
// server handed over in a DHCPACK's option 90 and the highest replay
// detection value seen from it.
type reconfigure struct {
	key    []byte
	replay uint64
}

// takeReconfigureKey keeps the reconfigure key of a lease about to bind
// (RFC 6704 §3.1) and strips option 90 from it: the key is a secret of
// this daemon and the server, so neither the lease file nor the hook
// environment gets it. A renewal's ACK without one keeps the key the
// binding had.
func (m *Machine) takeReconfigureKey(l *Lease) {
	if !l.Options.Has(dhcp4.OptAuthentication) {
		return
	}
	if key, replay, ok := dhcp4.ReconfigureKey(l.Options); ok {
		if bytes.Equal(key, m.reconf.key) {
			// The same key again: a FORCERENEW seen since stays spent,
			// whatever the ACK's counter says.
			replay = max(replay, m.reconf.replay)
		}
		m.reconf = reconfigure{key: key, replay: replay}
	}
	l.Options = l.Options.Clone()
	l.Options.Del(dhcp4.OptAuthentication)
}

// forceRenewReceived handles a DHCPFORCERENEW (RFC 3203): with
// forcerenew on, a bound client that holds a reconfigure key renews at
// once when the message carries a valid HMAC-MD5 digest under that key
// and a replay detection value above the last (RFC 6704 §3.2); T2 and
// the expiry stay as they were. Anything else is dropped and counted —
// unauthenticated FORCERENEW is CVE-2020-13529. It comes with the
// server's xid, so the exchange's xid filter does not apply.
func (m *Machine) forceRenewReceived(now time.Time, ev Received) {
	msg := ev.Msg
	drop := func(c DropClass, why string) {
		m.emit(Dropped{Class: c, Reason: "DHCPFORCERENEW: " + why})
	}
	switch {
	case !m.cfg.ForceRenew:
		drop(DropUnexpected, "forcerenew is off")
		return
	case msg.Op != dhcp4.BootReply || msg.HType != 1 || !bytes.Equal(msg.HardwareAddr(), m.cfg.HWAddr):
		drop(DropNotOurs, "for another client")
		return
	case m.state != StateBound:
		drop(DropUnexpected, "in "+m.state.String())
		return
	case m.reconf.key == nil:
		drop(DropUnauthenticated, "no reconfigure key from the server")
		return
	}
	replay, err := dhcp4.VerifyForceRenew(ev.Raw, m.reconf.key)
	if err != nil {
		drop(DropUnauthenticated, err.Error())
		return
	}
	if replay <= m.reconf.replay {
		drop(DropUnauthenticated, "replayed")
		return
	}
	m.reconf.replay = replay
	m.logf("DHCPFORCERENEW from %s", sender(ev))
	m.startRenew(now)
}
