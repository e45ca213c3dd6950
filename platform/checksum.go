package platform

import (
	"encoding/binary"
	"net/netip"
)

// sum16 adds b to the running one's complement sum s as big-endian 16-bit
// words, padding an odd tail with zero (RFC 1071 §4.1). The result is
// unfolded; fold finishes it.
func sum16(s uint32, b []byte) uint32 {
	for len(b) >= 2 {
		s += uint32(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	return s
}

// fold folds the carries of s into 16 bits and complements the result.
func fold(s uint32) uint16 {
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// pseudoSum is the sum of the IPv4 pseudo-header of a UDP datagram of
// length n (RFC 768).
func pseudoSum(src, dst netip.Addr, n int) uint32 {
	s4, d4 := src.As4(), dst.As4()
	s := sum16(0, s4[:])
	s = sum16(s, d4[:])
	return s + protoUDP + uint32(n)
}
