package platform

import (
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink"
)

// TestLinkHasAddr: only the named link's own IPv4 addresses count, not
// those of its peer, and a secondary address counts as the primary does.
func TestLinkHasAddr(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, b := vethPair(t, h, nil)
	add := func(link, cidr string) {
		t.Helper()
		addr, err := netlink.ParseAddr(cidr)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.AddrAdd(linkByName(t, h, link), addr); err != nil {
			t.Fatal(err)
		}
	}
	add(a, "10.9.0.2/24")
	add(a, "10.9.0.3/24") // secondary
	add(b, "10.9.0.4/24")
	for _, tc := range []struct {
		link, addr string
		want       bool
	}{
		{a, "10.9.0.2", true},
		{a, "10.9.0.3", true},
		{a, "10.9.0.4", false},
		{b, "10.9.0.4", true},
		{b, "10.9.0.2", false},
		{a, "10.9.0.9", false},
	} {
		var got bool
		ns.do(t, func() (err error) {
			got, err = linkHasAddr(tc.link, netip.MustParseAddr(tc.addr))
			return err
		})
		if got != tc.want {
			t.Errorf("linkHasAddr(%s, %s) = %v, want %v", tc.link, tc.addr, got, tc.want)
		}
	}
	ns.do(t, func() error {
		if _, err := linkHasAddr("nosuchlink0", netip.MustParseAddr("10.9.0.2")); err == nil {
			t.Error("linkHasAddr on a missing link: no error")
		}
		return nil
	})
}
