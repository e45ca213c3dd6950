package statemachine

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Lease is an address binding as the rest of the daemon sees it: what the
// hooks export, what the lease file stores and what the interface is
// configured with. Times are wall-clock (monotonic reading stripped), so
// they stay meaningful across suspend and when read back from a file.
type Lease struct {
	Addr       netip.Addr // yiaddr, or fixed-address from a file
	NextServer netip.Addr // siaddr; invalid for leases not read from a packet
	ServerName string     // BOOTP sname when not overloaded
	Filename   string     // BOOTP file when not overloaded
	// Options as received, after the configuration's default, supersede,
	// prepend and append modifiers (reference §2.2).
	Options dhcp4.Options

	Renew  time.Time // T1 as scheduled (randomised, reference §6.2)
	Rebind time.Time // T2
	Expire time.Time // end of the lease; zero for one without an end

	Medium   string // ISC "medium"; kept for lease-file round trips
	BOOTP    bool   // ISC "bootp;": the lease came from a BOOTP reply
	Fallback bool   // from a dhclient.conf lease {} block, never persisted
}

// ServerID returns the lease's option 54.
func (l *Lease) ServerID() (netip.Addr, bool) { return l.Options.Addr(dhcp4.OptServerID) }

// Prefix returns the address with the length from option 1, or the
// classful default when the server sent no mask.
func (l *Lease) Prefix() netip.Prefix {
	bits := 32
	if l.Addr.Is4() {
		bits = dhcp4.ClassfulBits(l.Addr)
	}
	if m, ok := l.Options.Get(dhcp4.OptSubnetMask); ok && len(m) == 4 {
		if n, ok := maskBits(m); ok {
			bits = n
		}
	}
	return netip.PrefixFrom(l.Addr, bits)
}

// Infinite reports whether the lease never ends: it has no recorded end
// (a lease {} block without expire, an alias), or the server granted the
// lease time 0xffffffff (RFC 2131 §3.3). Such a lease keeps the far-future
// T1, T2 and expiry ISC computes for it, which hooks and the lease file
// show, but it never expires and its address is configured for ever. A
// released lease keeps the server's lease time but has its renewal,
// rebinding and expiry set to the moment of its release (reference
// §5.2): it has ended, as ISC, which goes by the expiry alone, has it.
func (l *Lease) Infinite() bool {
	if l.Expire.IsZero() {
		return true
	}
	secs, ok := l.Options.Uint32(dhcp4.OptLeaseTime)
	return ok && secs == dhcp4.InfiniteLease && !l.released()
}

// released reports whether l's times are those of a release record: all
// three the same second.
func (l *Lease) released() bool {
	return l.Renew.Equal(l.Expire) && l.Rebind.Equal(l.Expire)
}

// ExpiredAt reports whether the lease has expired at now. Expire is a
// whole second and, as in ISC (dhclient.c: cur_time > expiry), the lease
// still holds during that second: it ends at End.
func (l *Lease) ExpiredAt(now time.Time) bool {
	return !l.Infinite() && !now.Before(l.End())
}

// RebindFrom is the first instant of rebinding: the second after Rebind,
// as ISC broadcasts only when cur_time > rebind. With T1 = T2 the first
// REQUEST is thus still unicast to the server, as ISC's.
func (l *Lease) RebindFrom() time.Time { return l.Rebind.Add(time.Second) }

// End is the first instant at which a finite lease is expired: the
// second after Expire.
func (l *Lease) End() time.Time { return l.Expire.Add(time.Second) }

// Clone returns a deep copy of l; nil stays nil.
func (l *Lease) Clone() *Lease {
	if l == nil {
		return nil
	}
	c := *l
	c.Options = l.Options.Clone()
	return &c
}

// maskBits returns the prefix length of a contiguous netmask.
func maskBits(m []byte) (int, bool) {
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	n := 0
	for v&0x80000000 != 0 {
		n++
		v <<= 1
	}
	return n, v == 0
}
