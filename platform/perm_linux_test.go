package platform

import (
	"errors"
	"net/netip"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// dropNetCaps removes the network capabilities from the calling thread
// only (capabilities are per thread; goDo discards the thread after).
func dropNetCaps() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	for _, c := range []uint{unix.CAP_NET_ADMIN, unix.CAP_NET_RAW, unix.CAP_NET_BIND_SERVICE} {
		data[0].Effective &^= 1 << c
	}
	return unix.Capset(&hdr, &data[0])
}

// Without the capabilities, every operation fails with an error that
// errors.Is recognises as os.ErrPermission, so callers can say what is
// missing.
func TestPermissionErrors(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	// Down, so that Up has to change the link.
	if err := h.LinkSetDown(linkByName(t, h, ifname)); err != nil {
		t.Fatal(err)
	}
	ns.do(t, func() error {
		if err := dropNetCaps(); err != nil {
			return err
		}
		_, rawErr := ListenRaw(ifname, 68)
		_, udpErr := ListenUDP(ifname, netip.MustParseAddrPort("0.0.0.0:68"))
		_, probeErr := Probe(t.Context(), ifname, netip.MustParseAddr("10.77.0.1"), ProbeFast)
		upErr := NewConfigurator().Up(ifname)
		for name, err := range map[string]error{"ListenRaw": rawErr, "ListenUDP": udpErr, "Probe": probeErr, "Up": upErr} {
			if !errors.Is(err, os.ErrPermission) {
				t.Errorf("%s: got %v, want an error matching os.ErrPermission", name, err)
			}
		}
		return nil
	})
}

// Up asks nothing of a link already up, so it needs no capability: a
// dhclient run without CAP_NET_ADMIN on a raised link logs no error.
func TestUpOfUpLinkNeedsNoCapability(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, peer := vethPair(t, h, nil)
	setUp(t, h, peer) // a carrier: Up has no wait for one
	ns.do(t, func() error {
		if err := dropNetCaps(); err != nil {
			return err
		}
		return NewConfigurator().Up(ifname)
	})
}
