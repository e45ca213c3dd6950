package linklocal

import (
	"hash/fnv"
	"math/rand/v2"
	"net"
	"net/netip"
)

// RFC 3927 §2.1: the first and last /24 of 169.254/16 are reserved.
const (
	firstHost = 169<<24 | 254<<16 | 1<<8 // 169.254.1.0
	numHosts  = 254 * 256                // 169.254.1.0 … 169.254.254.255
)

// Prefix is the link-local network, 169.254.0.0/16.
var Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{169, 254, 0, 0}), 16)

// Broadcast is the link-local network's broadcast address.
var Broadcast = netip.AddrFrom4([4]byte{169, 254, 255, 255})

// Usable reports whether a is an address a host may claim (§2.1).
func Usable(a netip.Addr) bool {
	if !a.Is4() || !Prefix.Contains(a) {
		return false
	}
	b := a.As4()
	return b[2] != 0 && b[2] != 255
}

// Candidates returns the generator of candidate addresses for hw. RFC
// 3927 §2.1 suggests seeding the pseudo-random generator with the MAC
// address, so that a host picks the same address each time it starts
// (and keeps it across reboots when nobody else took it) while hosts
// with different addresses pick different ones.
func Candidates(hw net.HardwareAddr) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write(hw) // a hash.Hash never fails to write
	s := h.Sum64()
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// Next draws the next candidate from g: uniformly in 169.254.1.0 –
// 169.254.254.255.
func Next(g *rand.Rand) netip.Addr {
	v := uint32(firstHost + g.IntN(numHosts))
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
