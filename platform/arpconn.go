package platform

import (
	"net"
	"net/netip"
)

// ARP is an ARP packet for IPv4 as an ARPConn reads it.
type ARP struct {
	Request  bool // op 1; false for a reply (op 2)
	SenderHW net.HardwareAddr
	SenderIP netip.Addr
	TargetIP netip.Addr
}

// arpAnnouncement is the RFC 3927 §2.4 (RFC 5227 §2.3) announcement of
// addr from hw: a request whose sender and target IP are both addr, so
// that every host updates a stale mapping.
func arpAnnouncement(hw net.HardwareAddr, addr netip.Addr) arpPacket {
	p := arpProbe(hw, addr)
	p.SenderIP = addr
	return p
}

// exported turns a parsed packet into an ARP, or false for an op that is
// neither request nor reply.
func (p arpPacket) exported() (ARP, bool) {
	if p.Op != arpRequest && p.Op != arpReply {
		return ARP{}, false
	}
	return ARP{Request: p.Op == arpRequest, SenderHW: p.SenderHW, SenderIP: p.SenderIP, TargetIP: p.TargetIP}, true
}

// ParseARP decodes an ARP request or reply for IPv4 as read from an
// AF_PACKET datagram socket (the link-layer header removed).
func ParseARP(b []byte) (ARP, bool) {
	p, err := parseARP(b)
	if err != nil {
		return ARP{}, false
	}
	return p.exported()
}
