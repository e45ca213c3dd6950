package platform

import (
	"encoding/binary"
	"net/netip"
)

// IPv4 and UDP header constants (RFC 791, RFC 768).
const (
	ipHeaderLen  = 20
	udpHeaderLen = 8
	protoUDP     = 17
	// ISC dhclient 4.4.3 sends from its raw socket with TOS 0x10
	// (IPTOS_LOWDELAY) and TTL 128 (reference §6).
	iscTOS = 0x10
	iscTTL = 128
)

// Frame appends to b an IPv4 packet carrying payload in a UDP datagram
// from src to dst and returns the extended slice. The IPv4 header has TOS
// 0x10, TTL 128, identification 0 and no DF flag, as ISC dhclient sends
// before it has an address; both checksums are filled in, a computed UDP
// checksum of zero being sent as 0xffff (RFC 768). Addresses must be IPv4.
func Frame(b []byte, payload []byte, src, dst netip.AddrPort) []byte {
	udpLen := udpHeaderLen + len(payload)
	total := ipHeaderLen + udpLen
	start := len(b)
	b = append(b, 0x45, iscTOS)
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	b = append(b, 0, 0, 0, 0, iscTTL, protoUDP, 0, 0) // id, flags+offset, ttl, proto, csum
	s4, d4 := src.Addr().As4(), dst.Addr().As4()
	b = append(b, s4[:]...)
	b = append(b, d4[:]...)
	ip := b[start:]
	binary.BigEndian.PutUint16(ip[10:], fold(sum16(0, ip[:ipHeaderLen])))

	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	b = binary.BigEndian.AppendUint16(b, uint16(udpLen))
	b = append(b, 0, 0)
	b = append(b, payload...)
	udp := b[start+ipHeaderLen:]
	cs := fold(sum16(pseudoSum(src.Addr(), dst.Addr(), udpLen), udp))
	if cs == 0 {
		cs = 0xffff
	}
	binary.BigEndian.PutUint16(udp[6:], cs)
	return b
}

// The errors of Unframe, made once: a flood of malformed frames costs
// the reader no allocation (issue 12).
var (
	errUDPHeaderShort = &FrameError{"udp header", ErrTruncated}
	errUDPLength      = &FrameError{"udp length", ErrBadLength}
	errUDPChecksum    = &FrameError{"udp checksum", ErrBadChecksum}
	errIPHeaderShort  = &FrameError{"ip header", ErrTruncated}
	errIPVersion      = &FrameError{"ip version", ErrNotIPv4}
	errIPHeaderLength = &FrameError{"ip header length", ErrBadLength}
	errIPOptionsShort = &FrameError{"ip options", ErrTruncated}
	errIPTotalLength  = &FrameError{"ip total length", ErrBadLength}
	errIPTotalShort   = &FrameError{"ip total length", ErrTruncated}
	errIPProtocol     = &FrameError{"ip protocol", ErrNotUDP}
	errIPFragment     = &FrameError{"ip fragment", ErrFragment}
	errIPChecksum     = &FrameError{"ip header checksum", ErrBadChecksum}
)

// Unframe checks an IPv4 packet and returns the UDP payload it carries
// (a subslice of pkt) with its source and destination. It rejects, with a
// *FrameError, anything that is not an unfragmented IPv4 UDP packet with
// consistent lengths and a correct header checksum. Bytes past the IPv4
// total length (Ethernet padding) are ignored.
//
// The UDP checksum is verified when it is non-zero, unless csumPartial is
// set: veth and virtio hand AF_PACKET sockets locally generated packets
// whose checksum the hardware was meant to finish (CHECKSUM_PARTIAL,
// reported as TP_STATUS_CSUMNOTREADY in PACKET_AUXDATA), and their
// checksum field then holds only the pseudo-header sum.
func Unframe(pkt []byte, csumPartial bool) (payload []byte, src, dst netip.AddrPort, err error) {
	ip, err := ipPayloadBounds(pkt)
	if err != nil {
		return nil, src, dst, err
	}
	ihl := int(pkt[0]&0x0f) * 4
	udp := pkt[ihl:ip]
	if len(udp) < udpHeaderLen {
		return nil, src, dst, errUDPHeaderShort
	}
	udpLen := int(binary.BigEndian.Uint16(udp[4:]))
	if udpLen < udpHeaderLen || udpLen > len(udp) {
		return nil, src, dst, errUDPLength
	}
	udp = udp[:udpLen]
	srcIP := netip.AddrFrom4([4]byte(pkt[12:16]))
	dstIP := netip.AddrFrom4([4]byte(pkt[16:20]))
	if !csumPartial && binary.BigEndian.Uint16(udp[6:]) != 0 {
		if fold(sum16(pseudoSum(srcIP, dstIP, udpLen), udp)) != 0 {
			return nil, src, dst, errUDPChecksum
		}
	}
	src = netip.AddrPortFrom(srcIP, binary.BigEndian.Uint16(udp[0:]))
	dst = netip.AddrPortFrom(dstIP, binary.BigEndian.Uint16(udp[2:]))
	return udp[udpHeaderLen:], src, dst, nil
}

// ipPayloadBounds validates the IPv4 header of pkt and returns the end of
// the packet according to its total length.
func ipPayloadBounds(pkt []byte) (int, error) {
	if len(pkt) < ipHeaderLen {
		return 0, errIPHeaderShort
	}
	if pkt[0]>>4 != 4 {
		return 0, errIPVersion
	}
	ihl := int(pkt[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(pkt[2:]))
	switch {
	case ihl < ipHeaderLen:
		return 0, errIPHeaderLength
	case len(pkt) < ihl:
		return 0, errIPOptionsShort
	case total < ihl:
		return 0, errIPTotalLength
	case total > len(pkt):
		return 0, errIPTotalShort
	case pkt[9] != protoUDP:
		return 0, errIPProtocol
	case binary.BigEndian.Uint16(pkt[6:])&0x3fff != 0:
		// More-fragments flag or a fragment offset: DHCP messages
		// fit one packet, and reassembly is the kernel's job, which
		// AF_PACKET bypasses.
		return 0, errIPFragment
	case fold(sum16(0, pkt[:ihl])) != 0:
		return 0, errIPChecksum
	}
	return total, nil
}
