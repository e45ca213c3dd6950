package platform

import (
	"bytes"
	"net"
	"net/netip"
	"testing"
)

// An announcement is a request with sender and target IP both the
// claimed address and a zero target hardware address (RFC 3927 §2.4).
func TestARPAnnouncementWire(t *testing.T) {
	hw := net.HardwareAddr{2, 0, 0, 0, 0, 9}
	a := netip.MustParseAddr("169.254.7.8")
	p, err := parseARP(arpAnnouncement(hw, a).appendBinary(nil))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := p.exported()
	if !ok || !e.Request || e.SenderIP != a || e.TargetIP != a || !bytes.Equal(e.SenderHW, hw) {
		t.Fatalf("announcement decodes as %+v, %v", e, ok)
	}
	if !bytes.Equal(p.TargetHW, make([]byte, 6)) {
		t.Errorf("target hardware address %v, want zero", p.TargetHW)
	}
	p.Op = 3 // RARP request: not for the claim
	if _, ok := p.exported(); ok {
		t.Errorf("op 3 exported")
	}
}
