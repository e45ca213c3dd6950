//go:build linux

package lab

import (
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink"
)

// Addrs returns the IPv4 addresses of the client link ifname, as the
// kernel of the client namespace reports them through netlink.
func (l *Lab) Addrs(t testing.TB, ifname string) []netlink.Addr {
	t.Helper()
	link, err := l.cli.LinkByName(ifname)
	if err != nil {
		t.Fatalf("find %s: %v", ifname, err)
	}
	addrs, err := l.cli.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatalf("addresses of %s: %v", ifname, err)
	}
	return addrs
}

// AddrsOf is Addrs as plain addresses, without prefix lengths.
func (l *Lab) AddrsOf(t testing.TB, ifname string) []netip.Addr {
	t.Helper()
	var out []netip.Addr
	for _, a := range l.Addrs(t, ifname) {
		if ip, ok := netip.AddrFromSlice(a.IP.To4()); ok {
			out = append(out, ip)
		}
	}
	return out
}

// HasAddr reports whether the client link ifname carries a.
func (l *Lab) HasAddr(t testing.TB, ifname string, a netip.Addr) bool {
	t.Helper()
	for _, x := range l.AddrsOf(t, ifname) {
		if x == a {
			return true
		}
	}
	return false
}

// HasPrefix reports whether the client link ifname carries a with its
// prefix length.
func (l *Lab) HasPrefix(t testing.TB, ifname string, p netip.Prefix) bool {
	t.Helper()
	for _, x := range l.Addrs(t, ifname) {
		ip, ok := netip.AddrFromSlice(x.IP.To4())
		ones, _ := x.Mask.Size()
		if ok && ip == p.Addr() && ones == p.Bits() {
			return true
		}
	}
	return false
}
