package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
)

var (
	testClient = netip.MustParseAddrPort("0.0.0.0:68")
	testServer = netip.MustParseAddrPort("10.77.0.1:67")
	testBcast  = netip.MustParseAddrPort("255.255.255.255:67")
)

func TestFrameHeaderFields(t *testing.T) {
	payload := []byte("a dhcp message, odd length")
	pkt := Frame([]byte{0xaa}, payload, testClient, testBcast)[1:]
	checks := []struct {
		name      string
		got, want int
	}{
		{"version/ihl", int(pkt[0]), 0x45},
		{"tos", int(pkt[1]), 0x10},
		{"total length", int(binary.BigEndian.Uint16(pkt[2:])), 20 + 8 + len(payload)},
		{"flags/offset (no DF)", int(binary.BigEndian.Uint16(pkt[6:])), 0},
		{"ttl", int(pkt[8]), 128},
		{"protocol", int(pkt[9]), 17},
		{"src port", int(binary.BigEndian.Uint16(pkt[20:])), 68},
		{"dst port", int(binary.BigEndian.Uint16(pkt[22:])), 67},
		{"udp length", int(binary.BigEndian.Uint16(pkt[24:])), 8 + len(payload)},
		{"ip checksum verifies", int(fold(sum16(0, pkt[:20]))), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %#x, want %#x", c.name, c.got, c.want)
		}
	}
	if !bytes.Equal(pkt[12:20], []byte{0, 0, 0, 0, 255, 255, 255, 255}) {
		t.Errorf("addresses: got % x", pkt[12:20])
	}
}

// A hand-computed packet: known checksums pin the arithmetic, not just
// its self-consistency.
func TestFrameKnownChecksums(t *testing.T) {
	src := netip.MustParseAddrPort("192.168.0.1:67")
	dst := netip.MustParseAddrPort("192.168.0.199:68")
	pkt := Frame(nil, []byte{0x01, 0x02, 0x03}, src, dst)
	// IP: 4510 001f 0000 0000 8011 ____ c0a8 0001 c0a8 00c7
	// sum = 4510+001f+8011+c0a8+0001+c0a8+00c7 = 0x24758 → 0x475a → ~ = 0xb8a5
	if got := binary.BigEndian.Uint16(pkt[10:]); got != 0xb8a5 {
		t.Errorf("ip checksum: got %#04x, want 0xb8a5", got)
	}
	// pseudo header: c0a8+0001+c0a8+00c7+0011+000b = 0x18234
	// UDP: 0043+0044+000b+0102+0300 = 0x0494; 0x186c8 → 0x86c9 → ~ = 0x7936
	if got := binary.BigEndian.Uint16(pkt[26:]); got != 0x7936 {
		t.Errorf("udp checksum: got %#04x, want 0x7936", got)
	}
}

func TestFrameUnframeRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 300, 548, 1472} {
		payload := bytes.Repeat([]byte{0x5a, 0xa5, 0x01}, n)[:n]
		pkt := Frame(nil, payload, testServer, netip.MustParseAddrPort("10.77.0.23:68"))
		got, src, dst, err := Unframe(append(pkt, 0, 0, 0, 0), false) // with Ethernet padding
		if err != nil {
			t.Fatalf("len %d: %v", n, err)
		}
		if !bytes.Equal(got, payload) || src != testServer || dst.String() != "10.77.0.23:68" {
			t.Errorf("len %d: got %d bytes from %v to %v", n, len(got), src, dst)
		}
	}
}

// partialChecksum turns a framed packet into what a veth delivers for a
// CHECKSUM_PARTIAL skb: the UDP checksum field holds the folded
// pseudo-header sum, not the final checksum.
func partialChecksum(pkt []byte) []byte {
	src := netip.AddrFrom4([4]byte(pkt[12:16]))
	dst := netip.AddrFrom4([4]byte(pkt[16:20]))
	ps := pseudoSum(src, dst, int(binary.BigEndian.Uint16(pkt[24:])))
	binary.BigEndian.PutUint16(pkt[26:], ^fold(ps))
	return pkt
}

func TestUnframePartialChecksum(t *testing.T) {
	payload := []byte("offered")
	pkt := partialChecksum(Frame(nil, payload, testServer, testBcast))
	if _, _, _, err := Unframe(pkt, false); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("partial checksum, not marked: got %v, want ErrBadChecksum", err)
	}
	got, _, _, err := Unframe(pkt, true)
	if err != nil || !bytes.Equal(got, payload) {
		t.Errorf("partial checksum, marked: got %q, %v", got, err)
	}
	// The IP header checksum is always complete and still checked.
	pkt[10] ^= 0xff
	if _, _, _, err := Unframe(pkt, true); !errors.Is(err, ErrBadChecksum) {
		t.Errorf("bad ip checksum, marked partial: got %v, want ErrBadChecksum", err)
	}
}

func TestUnframeZeroUDPChecksumAccepted(t *testing.T) {
	pkt := Frame(nil, []byte("x"), testServer, testBcast)
	binary.BigEndian.PutUint16(pkt[26:], 0)
	if _, _, _, err := Unframe(pkt, false); err != nil {
		t.Errorf("got %v, want a zero (absent) UDP checksum accepted", err)
	}
}

// reframe applies mutate to a good packet and, when fixIP, recomputes the
// IP header checksum so that the test reaches the check it aims at.
func reframe(mutate func(p []byte) []byte, fixIP bool) []byte {
	p := mutate(Frame(nil, []byte("hello dhcp"), testServer, testBcast))
	if fixIP && len(p) >= 20 && p[0]&0x0f >= 5 && len(p) >= int(p[0]&0x0f)*4 {
		ihl := int(p[0]&0x0f) * 4
		binary.BigEndian.PutUint16(p[10:], 0)
		binary.BigEndian.PutUint16(p[10:], fold(sum16(0, p[:ihl])))
	}
	return p
}

func TestUnframeRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p []byte) []byte
		fixIP  bool
		want   error
	}{
		{"empty", func(p []byte) []byte { return nil }, false, ErrTruncated},
		{"short ip header", func(p []byte) []byte { return p[:19] }, false, ErrTruncated},
		{"ipv6", func(p []byte) []byte { p[0] = 0x65; return p }, true, ErrNotIPv4},
		{"ihl below 5", func(p []byte) []byte { p[0] = 0x44; return p }, false, ErrBadLength},
		{"ihl past packet", func(p []byte) []byte { p[0] = 0x4f; return p }, false, ErrTruncated},
		{"total length past packet", func(p []byte) []byte { return p[:len(p)-1] }, false, ErrTruncated},
		{"total length below ihl", func(p []byte) []byte { binary.BigEndian.PutUint16(p[2:], 19); return p }, true, ErrBadLength},
		{"tcp", func(p []byte) []byte { p[9] = 6; return p }, true, ErrNotUDP},
		{"more fragments", func(p []byte) []byte { p[6] = 0x20; return p }, true, ErrFragment},
		{"fragment offset", func(p []byte) []byte { p[7] = 1; return p }, true, ErrFragment},
		{"bad ip checksum", func(p []byte) []byte { p[8]--; return p }, false, ErrBadChecksum},
		{"udp header cut", func(p []byte) []byte { binary.BigEndian.PutUint16(p[2:], 27); return p }, true, ErrTruncated},
		{"udp length below 8", func(p []byte) []byte { p[24], p[25] = 0, 7; return p }, false, ErrBadLength},
		{"udp length past ip", func(p []byte) []byte { p[25]++; return p }, false, ErrBadLength},
		{"bad udp checksum", func(p []byte) []byte { p[len(p)-1] ^= 1; return p }, false, ErrBadChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := Unframe(reframe(tt.mutate, tt.fixIP), false)
			var fe *FrameError
			if !errors.Is(err, tt.want) || !errors.As(err, &fe) {
				t.Errorf("got %v, want a *FrameError wrapping %v", err, tt.want)
			}
		})
	}
}

func TestUnframeWithIPOptions(t *testing.T) {
	pkt := Frame(nil, []byte("opt"), testServer, testBcast)
	// Insert a 4-byte options block (NOP NOP NOP EOL) after the header.
	withOpts := append(append(append([]byte{}, pkt[:20]...), 1, 1, 1, 0), pkt[20:]...)
	withOpts[0] = 0x46
	binary.BigEndian.PutUint16(withOpts[2:], uint16(len(withOpts)))
	binary.BigEndian.PutUint16(withOpts[10:], 0)
	binary.BigEndian.PutUint16(withOpts[10:], fold(sum16(0, withOpts[:24])))
	got, _, _, err := Unframe(withOpts, false)
	if err != nil || string(got) != "opt" {
		t.Errorf("got %q, %v; want \"opt\"", got, err)
	}
}
