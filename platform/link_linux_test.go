package platform

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

// A link read through rtnl has the index, name, MTU, flags, operational
// state and hardware address the kernel reports to the netlink module,
// and a missing one is ErrLinkGone.
func TestReadLinkMatchesKernel(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, b := vethPair(t, h, nil)
	setUp(t, h, b)
	if err := h.LinkSetMTU(linkByName(t, h, a), 1400); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{a, b, "lo"} {
		want := linkByName(t, h, name).Attrs()
		var ifi *net.Interface
		var l *linkInfo
		ns.do(t, func() (err error) {
			if ifi, err = interfaceByName(name); err != nil {
				return err
			}
			r, err := openRTNL(0)
			if err != nil {
				return err
			}
			defer r.Close()
			l, err = readLink(r, name)
			return err
		})
		if l.Index != want.Index || l.Name != want.Name || l.MTU != want.MTU || l.Flags != want.RawFlags ||
			l.OperState != uint8(want.OperState) || !bytes.Equal(l.HardwareAddr, want.HardwareAddr) {
			t.Errorf("%s: got %+v, want index %d mtu %d flags %#x operstate %d hw %v",
				name, l, want.Index, want.MTU, want.RawFlags, want.OperState, want.HardwareAddr)
		}
		if ifi.Index != want.Index || ifi.Name != want.Name || ifi.MTU != want.MTU || ifi.Flags != want.Flags ||
			!bytes.Equal(ifi.HardwareAddr, want.HardwareAddr) {
			t.Errorf("%s: interfaceByName got %+v, want %+v", name, ifi, want)
		}
	}
	ns.do(t, func() error {
		if _, err := interfaceByName("nosuchlink0"); !errors.Is(err, ErrLinkGone) {
			t.Errorf("a missing link: got %v, want ErrLinkGone", err)
		}
		return nil
	})
}
