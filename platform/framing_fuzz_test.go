package platform

import (
	"bytes"
	"net/netip"
	"testing"
)

// FuzzUnframe checks that Unframe never panics, that whatever it accepts
// survives a Frame/Unframe round trip unchanged, and that marking a packet
// as carrying a partial checksum never makes it rejected.
func FuzzUnframe(f *testing.F) {
	f.Add(Frame(nil, []byte("seed"), testServer, testBcast), false)
	f.Add(partialChecksum(Frame(nil, []byte("partial"), testServer, testBcast)), true)
	f.Fuzz(func(t *testing.T, pkt []byte, partial bool) {
		payload, src, dst, err := Unframe(pkt, partial)
		if err != nil {
			return
		}
		if _, _, _, err := Unframe(pkt, true); err != nil {
			t.Fatalf("accepted with full check but rejected as partial: %v", err)
		}
		again := Frame(nil, payload, src, dst)
		p2, s2, d2, err := Unframe(again, false)
		if err != nil {
			t.Fatalf("reframed packet rejected: %v", err)
		}
		if !bytes.Equal(p2, payload) || s2 != src || d2 != dst {
			t.Fatalf("round trip: got %q %v %v, want %q %v %v", p2, s2, d2, payload, src, dst)
		}
	})
}

// FuzzFrame checks that every packet Frame builds is accepted by Unframe
// and passes the socket's BPF filter exactly when addressed to its port.
func FuzzFrame(f *testing.F) {
	f.Add([]byte("discover"), uint32(0), uint16(68), uint32(0xffffffff), uint16(67))
	f.Add([]byte{}, uint32(0x0a4d0001), uint16(67), uint32(0x0a4d0017), uint16(68))
	f.Fuzz(func(t *testing.T, payload []byte, s uint32, sp uint16, d uint32, dp uint16) {
		if len(payload) > 65535-28 {
			return
		}
		src := netip.AddrPortFrom(addrFromUint32(s), sp)
		dst := netip.AddrPortFrom(addrFromUint32(d), dp)
		pkt := Frame(nil, payload, src, dst)
		got, gs, gd, err := Unframe(pkt, false)
		if err != nil || !bytes.Equal(got, payload) || gs != src || gd != dst {
			t.Fatalf("got %q %v %v %v, want %q %v %v", got, gs, gd, err, payload, src, dst)
		}
		if n := runFilter(t, 68, pkt); (n > 0) != (dp == 68) {
			t.Fatalf("filter for port 68 returned %d for a packet to port %d", n, dp)
		}
	})
}

func addrFromUint32(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
