package statemachine

import (
	"net/netip"
	"slices"

	"github.com/leased/leased/statemachine/dhcp4"
)

// send emits msg for to, its options shuffled first under the anonymity
// profile. Every message the machine sends goes out through it.
func (m *Machine) send(msg *dhcp4.Message, to netip.AddrPort) {
	if m.cfg.Anonymity {
		m.shuffleOptions(msg)
	}
	m.emit(Send{Msg: msg, To: to})
}

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

// extras says which of the client's own options a message carries besides
// the client identifier, which all carry when configured.
type extras uint8

const (
	withSendOptions extras = 1 << iota // the send statements
	withPRL                            // the parameter request list (option 55)
)

const (
	clientIDOnly extras = 0                         // DHCPDECLINE (RFC 2131 §4.4.1)
	withAll             = withSendOptions | withPRL // DISCOVER and REQUEST
)

// addClientOptions adds the configured send options, the PRL and the
// client identifier, as extra asks, and puts the message's options in
// ISC's order (dhcp4.Options.ClientOrder), storing them as ISC's
// make_client_options does: the PRL, the client identifier, then the send
// statements.
func (m *Machine) addClientOptions(msg *dhcp4.Message, extra extras) {
	if extra&withPRL != 0 && len(m.cfg.PRL) > 0 {
		msg.Options.Set(dhcp4.OptParamRequest, slices.Clone(m.cfg.PRL))
	}
	if m.cfg.ClientID != nil {
		msg.Options.Set(dhcp4.OptClientID, slices.Clone(m.cfg.ClientID))
	}
	if extra&withSendOptions != 0 {
		for _, o := range m.cfg.Send {
			// An empty value sends nothing, as ISC's store_options skips
			// an option that evaluates to no bytes.
			if controlled(o.Code) || (o.Code == dhcp4.OptClientID && m.cfg.ClientID != nil) || len(o.Data) == 0 {
				continue
			}
			msg.Options = append(msg.Options, dhcp4.Option{Code: o.Code, Data: slices.Clone(o.Data)})
		}
	}
	msg.Options = msg.Options.ClientOrder()
}

// declineMessage is a DHCPDECLINE for l: options 50 and 54 and the client
// identifier, nothing else (RFC 2131 §4.4.1, reference §6.2).
func (m *Machine) declineMessage(l *Lease) *dhcp4.Message {
	msg := m.message(dhcp4.Decline)
	msg.Options.SetAddr(dhcp4.OptRequestedIP, l.Addr)
	if sid, ok := l.ServerID(); ok {
		msg.Options.SetAddr(dhcp4.OptServerID, sid)
	}
	m.addClientOptions(msg, clientIDOnly)
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
	m.addClientOptions(msg, withSendOptions)
	return msg
}
