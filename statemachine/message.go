package statemachine

import (
	"slices"

	"github.com/leased/leased/statemachine/dhcp4"
)

// message returns a BOOTREQUEST of type t with the current xid and our
// chaddr. ISC never sets the broadcast flag (reference §6.2).
func (m *Machine) message(t dhcp4.MessageType) *dhcp4.Message {
	msg := &dhcp4.Message{Op: dhcp4.BootRequest, XID: m.xid}
	msg.SetHardwareAddr(m.cfg.HWAddr)
	msg.Options = dhcp4.Options{{Code: dhcp4.OptMessageType, Data: []byte{byte(t)}}}
	return msg
}

// controlled reports whether the machine sets option code itself, so that
// a `send` statement for it is ignored.
func controlled(code uint8) bool {
	switch code {
	case dhcp4.OptPad, dhcp4.OptEnd, dhcp4.OptMessageType, dhcp4.OptRequestedIP,
		dhcp4.OptServerID, dhcp4.OptParamRequest:
		return true
	}
	return false
}

// finish appends, in ISC's order (packets/ in the golden captures), the
// configured send options, the PRL and the client identifier.
func (m *Machine) finish(msg *dhcp4.Message, prl, send bool) {
	if send {
		for _, o := range m.cfg.Send {
			if controlled(o.Code) || (o.Code == dhcp4.OptClientID && m.cfg.ClientID != nil) {
				continue
			}
			msg.Options = append(msg.Options, dhcp4.Option{Code: o.Code, Data: slices.Clone(o.Data)})
		}
	}
	if prl && len(m.cfg.PRL) > 0 {
		msg.Options.Set(dhcp4.OptParamRequest, slices.Clone(m.cfg.PRL))
	}
	if m.cfg.ClientID != nil {
		msg.Options.Set(dhcp4.OptClientID, slices.Clone(m.cfg.ClientID))
	}
}

// declineMessage is a DHCPDECLINE for l: options 50 and 54 and the client
// identifier, nothing else (RFC 2131 §4.4.1, reference §6.2).
func (m *Machine) declineMessage(l *Lease) *dhcp4.Message {
	msg := m.message(dhcp4.Decline)
	msg.Options.SetAddr(dhcp4.OptRequestedIP, l.Addr)
	if sid, ok := l.ServerID(); ok {
		msg.Options.SetAddr(dhcp4.OptServerID, sid)
	}
	m.finish(msg, false, false)
	return msg
}

// releaseMessage is a DHCPRELEASE for l with a new xid, ciaddr, option 54
// and the send options (RFC 2131 §4.4.6, reference §1.5).
func (m *Machine) releaseMessage(l *Lease) *dhcp4.Message {
	m.xid = m.rng.Uint32()
	msg := m.message(dhcp4.Release)
	msg.CIAddr = l.Addr
	if sid, ok := l.ServerID(); ok {
		msg.Options.SetAddr(dhcp4.OptServerID, sid)
	}
	m.finish(msg, false, true)
	return msg
}
