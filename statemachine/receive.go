package statemachine

import (
	"bytes"
	"fmt"
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// receive filters a message (SPEC §10, STYLE §2: filtering lives here)
// and hands it to the handler of its type.
func (m *Machine) receive(now time.Time, ev Received) {
	msg := ev.Msg
	if msg != nil && msg.Type() == dhcp4.ForceRenew {
		m.forceRenewReceived(now, ev)
		return
	}
	if class, why := m.filter(msg); why != "" {
		m.emit(Dropped{Class: class, Reason: why})
		return
	}
	src := sender(ev)
	if p, ok := m.rejectedBy(src); ok {
		m.logf("%s from %s rejected by rule %s mask %s.", typeName(msg), src, p.Addr(), maskOf(p))
		m.emit(Dropped{Class: DropRejected, Reason: "rejected server " + src.String()})
		return
	}
	switch msg.Type() {
	case 0: // a BOOTREPLY without option 53: a BOOTP server's offer (dhclient.c bootp)
		m.offerReceived(now, msg, src)
	case dhcp4.Offer:
		m.offerReceived(now, msg, src)
	case dhcp4.Ack:
		m.ackReceived(now, msg, src)
	case dhcp4.Nak:
		m.nakReceived(now, src)
	default:
		m.emit(Dropped{Class: DropUnexpected, Reason: "unexpected " + msg.Type().String()})
	}
}

// filter returns why msg is not for this exchange, or "".
func (m *Machine) filter(msg *dhcp4.Message) (DropClass, string) {
	switch {
	case msg == nil:
		return DropMalformed, "nil message"
	case m.state == StateStopped || m.state == StatePaused || m.state == StateLinkDown || m.state == StateV6Only:
		return DropUnexpected, "not listening in " + m.state.String()
	case msg.Op != dhcp4.BootReply:
		return DropNotOurs, "not a BOOTREPLY"
	case msg.HType != 1:
		return DropNotOurs, fmt.Sprintf("wrong htype %d", msg.HType)
	case !bytes.Equal(msg.HardwareAddr(), m.cfg.HWAddr):
		return DropNotOurs, "wrong chaddr " + msg.HardwareAddr().String()
	case msg.XID != m.xid:
		return DropNotOurs, fmt.Sprintf("wrong xid %#x", msg.XID)
	}
	if id, ok := msg.Options.Get(dhcp4.OptClientID); ok && !bytes.Equal(id, m.cfg.ClientID) {
		return DropNotOurs, "wrong client identifier"
	}
	if msg.Type() == 0 && msg.Options.Has(dhcp4.OptMessageType) {
		// Not a BOOTP reply, which has no option 53 (SPEC §4): taken as
		// one, it would be bound with no DHCPREQUEST, on an address the
		// server never committed (RFC 2131 §3.1).
		return DropMalformed, "option 53 not one valid byte"
	}
	return 0, ""
}

// rejectedBy returns the reject rule matching the server identifier: the
// configured list, then servers that offered a lease without a lease time.
func (m *Machine) rejectedBy(sid netip.Addr) (netip.Prefix, bool) {
	if !sid.IsValid() {
		return netip.Prefix{}, false
	}
	for _, list := range [][]netip.Prefix{m.cfg.Reject, m.rejected} {
		for _, p := range list {
			if p.Contains(sid) {
				return p, true
			}
		}
	}
	return netip.Prefix{}, false
}

func maskOf(p netip.Prefix) netip.Addr {
	v := ^uint32(0) << (32 - p.Bits())
	if p.Bits() == 0 {
		v = 0
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// sender is who sent ev, as ISC takes it for its log lines and its reject
// list (packet->client_addr): the IP source address, which behind a relay
// is the relay's. Without one (tests), the server identifier, else siaddr.
func sender(ev Received) netip.Addr {
	if ev.From.IsValid() {
		return ev.From
	}
	if sid, ok := ev.Msg.ServerID(); ok {
		return sid
	}
	return ev.Msg.SIAddr
}

// typeName names msg as ISC's log does: its DHCP type, or BOOTREPLY.
func typeName(msg *dhcp4.Message) string {
	if msg.Type() == 0 {
		return "BOOTREPLY"
	}
	return msg.Type().String()
}

// offerReceived handles an OFFER, or a BOOTP server's BOOTREPLY, while
// SELECTING (dhclient.c dhcpoffer).
func (m *Machine) offerReceived(now time.Time, msg *dhcp4.Message, src netip.Addr) {
	bootp := msg.Type() == 0
	name := typeName(msg)
	if m.state != StateSelecting {
		m.emit(Dropped{Class: DropUnexpected, Reason: name + " in " + m.state.String()})
		return
	}
	what := fmt.Sprintf("%s of %s from %s", name, msg.YIAddr, src)
	if !usable(msg.YIAddr) {
		m.emit(Dropped{Class: DropUnusable, Reason: what + ": unusable address"})
		return
	}
	if m.lacksRequired(msg, what) {
		return
	}
	if t, ok := msg.LeaseTime(); ok && t == 0 {
		m.logf("%s: zero lease time.", what)
		m.emit(Dropped{Class: DropUnusable, Reason: "zero lease time"})
		return
	}
	for _, o := range m.offers {
		if o.Addr == msg.YIAddr {
			m.emit(Dropped{Class: DropUnusable, Reason: what + ": already seen"})
			return
		}
	}
	if wait := m.v6OnlyWait(msg); wait > 0 {
		m.logf("%s: v6 only preferred for %d.", what, wait)
		m.startV6Only(now, wait)
		return
	}
	m.logf("%s", what)
	l := m.toLease(msg)
	l.BOOTP = bootp
	m.addOffer(now, l)
}

// usable reports whether a is an address a client can hold.
func usable(a netip.Addr) bool {
	return a.Is4() && !a.IsUnspecified() && !a.IsLoopback() && !a.IsMulticast() &&
		a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// nakReceived handles a NAK (dhclient.c dhcpnak): ignored without an
// active lease, else EXPIRE, PREINIT and INIT (reference §6.2).
func (m *Machine) nakReceived(now time.Time, src netip.Addr) {
	switch m.state {
	case StateRequesting, StateRebooting, StateRenewing, StateRebinding:
	default:
		m.emit(Dropped{Class: DropUnexpected, Reason: "DHCPNAK in " + m.state.String()})
		return
	}
	m.logf("DHCPNAK from %s", src)
	if m.active == nil {
		m.logf("DHCPNAK with no active lease.")
		return
	}
	// A NAK to an INIT-REBOOT (at start, on a link's return, after a
	// wake-up: the host moved to another network, or NetworkManager
	// started dhclient with an address the server does not know) lets
	// the REQUEST after a quick OFFER go at once, as ISC's does, rather
	// than a second after the NAKed one. Only another INIT-REBOOT can
	// bring this again, so a server that NAKs every renewal still gets
	// one REQUEST a second.
	if m.state == StateRebooting {
		m.lastRequest = time.Time{}
	}
	m.expire()
	m.startInit(now)
}

// lacksRequired reports, logged as ISC's dhcpoffer does and dropped,
// whether msg, described by what, lacks an option of require.
func (m *Machine) lacksRequired(msg *dhcp4.Message, what string) bool {
	for _, code := range m.cfg.Require {
		if !msg.Options.Has(code) {
			m.logf("%s: no %s option.", what, optionName(code))
			m.emit(Dropped{Class: DropUnusable, Reason: "missing required option " + optionName(code)})
			return true
		}
	}
	return false
}
