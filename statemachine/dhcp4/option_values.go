package dhcp4

import (
	"net/netip"
	"time"
)

// Addr returns the single IPv4 address held by code.
func (o Options) Addr(code uint8) (netip.Addr, bool) {
	d, ok := o.Get(code)
	if !ok || len(d) != 4 {
		return netip.Addr{}, false
	}
	return addr4(d), true
}

// Addrs returns the list of IPv4 addresses held by code; a length that is
// not a multiple of four yields nothing.
func (o Options) Addrs(code uint8) []netip.Addr {
	d, ok := o.Get(code)
	if !ok || len(d)%4 != 0 {
		return nil
	}
	out := make([]netip.Addr, 0, len(d)/4)
	for i := 0; i < len(d); i += 4 {
		out = append(out, addr4(d[i:]))
	}
	return out
}

// Uint32 returns the 32-bit unsigned value held by code.
func (o Options) Uint32(code uint8) (uint32, bool) {
	d, ok := o.Get(code)
	if !ok || len(d) != 4 {
		return 0, false
	}
	return be32(d), true
}

// Uint16 returns the 16-bit unsigned value held by code.
func (o Options) Uint16(code uint8) (uint16, bool) {
	d, ok := o.Get(code)
	if !ok || len(d) != 2 {
		return 0, false
	}
	return be16(d), true
}

// Seconds returns the 32-bit duration in seconds held by code (options 51,
// 58, 59). Infinite (0xffffffff, RFC 2131 §3.3) is returned as is; callers
// decide what it means.
func (o Options) Seconds(code uint8) (time.Duration, bool) {
	v, ok := o.Uint32(code)
	return time.Duration(v) * time.Second, ok
}

// SetAddr sets code to the IPv4 address a.
func (o *Options) SetAddr(code uint8, a netip.Addr) { o.Set(code, appendAddr4(nil, a)) }

// SetUint32 sets code to the 32-bit big-endian value v.
func (o *Options) SetUint32(code uint8, v uint32) { o.Set(code, appendBE32(nil, v)) }

// SetUint16 sets code to the 16-bit big-endian value v.
func (o *Options) SetUint16(code uint8, v uint16) { o.Set(code, appendBE16(nil, v)) }

// ServerID returns option 54.
func (m *Message) ServerID() (netip.Addr, bool) { return m.Options.Addr(OptServerID) }

// LeaseTime returns option 51 in seconds; InfiniteLease when infinite.
func (m *Message) LeaseTime() (uint32, bool) { return m.Options.Uint32(OptLeaseTime) }

// InfiniteLease is the lease time value meaning "forever" (RFC 2131 §3.3).
const InfiniteLease = 0xffffffff
