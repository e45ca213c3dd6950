//go:build linux

package platform

import (
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TestUpLeavesLinkOperational: Up returns with the link passing packets
// (RFC 2863 "up"), not merely with IFF_UP set. On a veth pair the kernel
// is usually quick enough for this to hold without the wait; the
// end-to-end TestBindFromAdministrativelyDownLink, with a bridge behind
// the peer, is where a DISCOVER sent too early went missing.
func TestUpLeavesLinkOperational(t *testing.T) {
	l := newLab(t)
	for range 5 {
		link := linkByName(t, l.hc, l.clientLink)
		if err := l.hc.LinkSetDown(link); err != nil {
			t.Fatal(err)
		}
		if err := l.client.configurator().Up(l.clientLink); err != nil {
			t.Fatal(err)
		}
		if a := linkByName(t, l.hc, l.clientLink).Attrs(); a.OperState != netlink.OperUp {
			t.Fatalf("Up returned with the link %v, want up", a.OperState)
		}
	}
}

func TestOperational(t *testing.T) {
	for _, tc := range []struct {
		oper  netlink.LinkOperState
		flags uint32
		want  bool
	}{
		{netlink.OperUp, 0, true},
		{netlink.OperDown, unix.IFF_UP, false},
		{netlink.OperLowerLayerDown, unix.IFF_UP, false},
		{netlink.OperUnknown, unix.IFF_UP | unix.IFF_LOWER_UP, true}, // drivers without operstate
		{netlink.OperUnknown, unix.IFF_UP, false},
		{netlink.OperDormant, unix.IFF_UP | unix.IFF_LOWER_UP, false},
	} {
		l := &linkInfo{OperState: uint8(tc.oper), Flags: tc.flags}
		if got := operational(l); got != tc.want {
			t.Errorf("operational(%v, flags %#x) = %v, want %v", tc.oper, tc.flags, got, tc.want)
		}
	}
}
