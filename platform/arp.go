package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// ARP constants (RFC 826).
const (
	arpRequest   = 1
	arpReply     = 2
	arpHTEther   = 1
	etherTypeIP4 = 0x0800
)

// errARP reports an ARP packet that is not IPv4 over a known link layer.
var errARP = errors.New("malformed arp packet")

// arpPacket is an ARP message for IPv4 (RFC 826) over any hardware type;
// the hardware addresses have the length the packet states.
type arpPacket struct {
	HType    uint16
	Op       uint16
	SenderHW net.HardwareAddr
	SenderIP netip.Addr
	TargetHW net.HardwareAddr
	TargetIP netip.Addr
}

// parseARP decodes b, as read from an AF_PACKET datagram socket (the
// link-layer header removed). Trailing bytes (Ethernet padding) are
// ignored; anything but IPv4 protocol addresses is rejected.
func parseARP(b []byte) (arpPacket, error) {
	if len(b) < 8 {
		return arpPacket{}, fmt.Errorf("%w: %d bytes", errARP, len(b))
	}
	hlen, plen := int(b[4]), int(b[5])
	if binary.BigEndian.Uint16(b[2:]) != etherTypeIP4 || plen != 4 || hlen == 0 {
		return arpPacket{}, fmt.Errorf("%w: protocol %#04x/%d, hardware length %d", errARP, binary.BigEndian.Uint16(b[2:]), plen, hlen)
	}
	if len(b) < 8+2*hlen+8 {
		return arpPacket{}, fmt.Errorf("%w: %d bytes for hardware length %d", errARP, len(b), hlen)
	}
	p := arpPacket{HType: binary.BigEndian.Uint16(b), Op: binary.BigEndian.Uint16(b[6:])}
	b = b[8:]
	p.SenderHW = bytes.Clone(b[:hlen])
	p.SenderIP = netip.AddrFrom4([4]byte(b[hlen:]))
	p.TargetHW = bytes.Clone(b[hlen+4 : 2*hlen+4])
	p.TargetIP = netip.AddrFrom4([4]byte(b[2*hlen+4:]))
	return p, nil
}

// appendBinary appends the wire form of p; TargetHW is written with the
// length of SenderHW, zero-filled or cut as needed.
func (p arpPacket) appendBinary(b []byte) []byte {
	hlen := len(p.SenderHW)
	b = binary.BigEndian.AppendUint16(b, p.HType)
	b = binary.BigEndian.AppendUint16(b, etherTypeIP4)
	b = append(b, byte(hlen), 4)
	b = binary.BigEndian.AppendUint16(b, p.Op)
	b = append(b, p.SenderHW...)
	s4, t4 := as4(p.SenderIP), as4(p.TargetIP)
	b = append(b, s4[:]...)
	th := make([]byte, hlen)
	copy(th, p.TargetHW)
	b = append(b, th...)
	return append(b, t4[:]...)
}

// arpProbe is the RFC 5227 §2.1.1 probe for addr from hw: a request with
// sender IP 0.0.0.0 and target hardware address zero, so that no host
// caches a mapping from it.
func arpProbe(hw net.HardwareAddr, addr netip.Addr) arpPacket {
	return arpPacket{
		HType: arpHTEther, Op: arpRequest,
		SenderHW: hw, SenderIP: netip.IPv4Unspecified(),
		TargetHW: make(net.HardwareAddr, len(hw)), TargetIP: addr,
	}
}

// conflicts reports whether p, received while probing for addr from
// ours, shows that another host uses or claims addr (RFC 5227 §2.1.1):
// any request or reply whose sender IP is addr, or another host's probe
// for addr. Our own packets, should they loop back, never conflict.
func (p arpPacket) conflicts(addr netip.Addr, ours net.HardwareAddr) bool {
	if bytes.Equal(p.SenderHW, ours) || (p.Op != arpRequest && p.Op != arpReply) {
		return false
	}
	if p.SenderIP == addr {
		return true
	}
	return p.Op == arpRequest && p.SenderIP.IsUnspecified() && p.TargetIP == addr
}

// as4 returns the four bytes of an IPv4 address, zero for anything else.
func as4(a netip.Addr) [4]byte {
	if !a.Is4() {
		return [4]byte{}
	}
	return a.As4()
}
