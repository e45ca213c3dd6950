package fakeserver

import (
	"net/netip"

	"github.com/leased/leased/statemachine/dhcp4"
)

// answer is the normal, well-behaved reply to req (RFC 2131 §4.3), or nil
// when none is due.
func (s *Server) answer(req *dhcp4.Message) *dhcp4.Message {
	hw := req.HardwareAddr()
	switch req.Type() {
	case dhcp4.Discover:
		s.logf("DHCPDISCOVER from %v via %s", hw, s.cfg.Interface)
		return s.offer(req)
	case dhcp4.Request:
		return s.request(req)
	case dhcp4.Release:
		ok := s.pool.release(ClientKey(req), req.CIAddr)
		s.logf("DHCPRELEASE of %v from %v via %s (%s)", req.CIAddr, hw, s.cfg.Interface, found(ok))
	case dhcp4.Decline:
		a, _ := req.Options.Addr(dhcp4.OptRequestedIP)
		s.pool.decline(ClientKey(req), a)
		s.logf("DHCPDECLINE of %v from %v via %s", a, hw, s.cfg.Interface)
	case dhcp4.Inform:
		s.logf("DHCPINFORM from %v via %s", req.CIAddr, s.cfg.Interface)
		return s.reply(req, dhcp4.Ack, netip.Addr{})
	}
	return nil
}

func found(ok bool) string {
	if ok {
		return "found"
	}
	return "not found"
}

// offer answers a DISCOVER (RFC 2131 §4.3.1).
func (s *Server) offer(req *dhcp4.Message) *dhcp4.Message {
	want, _ := req.Options.Addr(dhcp4.OptRequestedIP)
	a, ok := s.pool.offer(ClientKey(req), want, s.cfg.Now())
	if !ok {
		s.logf("DHCPDISCOVER from %v via %s: no free leases", req.HardwareAddr(), s.cfg.Interface)
		return nil
	}
	s.logf("DHCPOFFER on %v to %v via %s", a, req.HardwareAddr(), s.cfg.Interface)
	return s.reply(req, dhcp4.Offer, a)
}

// request answers a REQUEST in any of its four forms (RFC 2131 §4.3.2).
func (s *Server) request(req *dhcp4.Message) *dhcp4.Message {
	want, _ := req.Options.Addr(dhcp4.OptRequestedIP)
	if req.CIAddr.IsValid() && !req.CIAddr.IsUnspecified() {
		want = req.CIAddr // RENEWING or REBINDING
	}
	sid, selecting := req.ServerID()
	s.logf("DHCPREQUEST for %v (%v) from %v via %s", want, sid, req.HardwareAddr(), s.cfg.Interface)
	if selecting && !s.isOurs(sid) {
		return nil // the client chose another server
	}
	if !s.cfg.Subnet.Contains(want) {
		return s.nak(req, "wrong network")
	}
	if !s.pool.commit(ClientKey(req), want, s.cfg.Now(), s.cfg.LeaseTime) {
		return s.nak(req, "lease not available")
	}
	s.logf("DHCPACK on %v to %v via %s", want, req.HardwareAddr(), s.cfg.Interface)
	ack := s.reply(req, dhcp4.Ack, want)
	if auth := s.reconfigureKey(req); auth != nil {
		ack.Options.Set(dhcp4.OptAuthentication, auth)
	}
	return ack
}

func (s *Server) isOurs(id netip.Addr) bool {
	for _, a := range s.ids {
		if a == id {
			return true
		}
	}
	return false
}

// nak builds a DHCPNAK, which carries only the server identifier and a
// message (RFC 2131 §4.3.2, table 3).
func (s *Server) nak(req *dhcp4.Message, why string) *dhcp4.Message {
	s.logf("DHCPNAK on %v to %v via %s (%s)", req.CIAddr, req.HardwareAddr(), s.cfg.Interface, why)
	m := s.base(req, dhcp4.Nak)
	m.Options.Set(dhcp4.OptMessage, []byte(why))
	return m
}

// base is a reply of type mt with the fields copied from req.
func (s *Server) base(req *dhcp4.Message, mt dhcp4.MessageType) *dhcp4.Message {
	m := &dhcp4.Message{
		Op: dhcp4.BootReply, HType: req.HType, HLen: req.HLen, XID: req.XID,
		Flags: req.Flags, GIAddr: req.GIAddr, CHAddr: req.CHAddr,
	}
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(mt)})
	m.Options.SetAddr(dhcp4.OptServerID, s.cfg.ServerID)
	return m
}

// reply builds an OFFER or ACK for address a (invalid for an INFORM ACK,
// which carries no lease: RFC 2131 §4.3.5).
func (s *Server) reply(req *dhcp4.Message, mt dhcp4.MessageType, a netip.Addr) *dhcp4.Message {
	m := s.base(req, mt)
	if a.IsValid() {
		m.YIAddr = a
		m.Options.SetUint32(dhcp4.OptLeaseTime, seconds(s.cfg.LeaseTime))
		if s.cfg.T1 != 0 {
			m.Options.SetUint32(dhcp4.OptRenewalTime, seconds(s.cfg.T1))
		}
		if s.cfg.T2 != 0 {
			m.Options.SetUint32(dhcp4.OptRebindingTime, seconds(s.cfg.T2))
		}
	} else {
		m.CIAddr = req.CIAddr
	}
	m.Options.SetAddr(dhcp4.OptSubnetMask, maskOf(s.cfg.Subnet))
	for _, o := range s.cfg.Options {
		if !m.Options.Has(o.Code) {
			m.Options = append(m.Options, dhcp4.Option{Code: o.Code, Data: append([]byte(nil), o.Data...)})
		}
	}
	return m
}

// maskOf is the subnet mask of p as an address.
func maskOf(p netip.Prefix) netip.Addr {
	var b [4]byte
	for i := range p.Bits() {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(b)
}

// destination is where a reply goes (RFC 2131 §4.1): to the relay when
// there is one, broadcast for a NAK, to ciaddr when the client has an
// address, else broadcast (a socket cannot unicast to an address the
// client has not configured yet without writing the ARP cache).
func destination(req, reply *dhcp4.Message) netip.AddrPort {
	switch {
	case req.GIAddr.IsValid() && !req.GIAddr.IsUnspecified():
		return netip.AddrPortFrom(req.GIAddr, dhcp4.ServerPort)
	case reply.Type() == dhcp4.Nak:
	case req.CIAddr.IsValid() && !req.CIAddr.IsUnspecified():
		return netip.AddrPortFrom(req.CIAddr, dhcp4.ClientPort)
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{255, 255, 255, 255}), dhcp4.ClientPort)
}
