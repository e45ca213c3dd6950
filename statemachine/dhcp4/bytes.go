package dhcp4

import (
	"bytes"
	"encoding/binary"
	"net/netip"
)

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

func appendBE16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func appendBE32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }

func addr4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b[:4])) }

// appendAddr4 appends a as four bytes; anything but an IPv4 address
// (including the zero Addr) is written as 0.0.0.0.
func appendAddr4(b []byte, a netip.Addr) []byte {
	if a.Is4() || a.Is4In6() {
		v := a.Unmap().As4()
		return append(b, v[:]...)
	}
	return append(b, 0, 0, 0, 0)
}

// appendFixed appends s truncated or NUL-padded to exactly n bytes.
func appendFixed(b []byte, s string, n int) []byte {
	if len(s) > n {
		s = s[:n]
	}
	b = append(b, s...)
	return append(b, make([]byte, n-len(s))...)
}

// cstring returns b up to its first NUL.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
