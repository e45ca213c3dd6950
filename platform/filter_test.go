package platform

import (
	"encoding/binary"
	"net"
	"net/netip"
	"slices"
	"testing"

	"golang.org/x/net/bpf"
)

// runFilter runs the socket filter for port over pkt in the BPF virtual
// machine and returns how many bytes the kernel would keep.
func runFilter(t *testing.T, port uint16, pkt []byte) int {
	t.Helper()
	return runProgram(t, udpPortProgram(port), pkt)
}

func runProgram(t *testing.T, prog []bpf.Instruction, pkt []byte) int {
	t.Helper()
	if _, err := assembleFilter(prog); err != nil {
		t.Fatal(err)
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	n, err := vm.Run(pkt)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUDPPortFilter(t *testing.T) {
	to68 := netip.MustParseAddrPort("255.255.255.255:68")
	good := func() []byte { return Frame(nil, []byte("offer"), testServer, to68) }
	tests := []struct {
		name   string
		pkt    []byte
		accept bool
	}{
		{"udp to 68", good(), true},
		{"udp to 67", Frame(nil, []byte("x"), testClient, testBcast), false},
		{"tcp", func() []byte { p := good(); p[9] = 6; return p }(), false},
		{"first fragment", func() []byte { p := good(); p[6] = 0x20; return p }(), false},
		{"later fragment", func() []byte { p := good(); p[7] = 0x10; return p }(), false},
		{"df set is fine", func() []byte { p := good(); p[6] = 0x40; return p }(), true},
		{"with ip options", func() []byte {
			p := good()
			q := append(append(append([]byte{}, p[:20]...), 1, 1, 1, 0), p[20:]...)
			q[0] = 0x46
			return q
		}(), true},
		{"options hide port 68 at fixed offset", func() []byte {
			p := Frame(nil, []byte("x"), testServer, testBcast)
			q := append(append(append([]byte{}, p[:20]...), 0, 0, 0, 0), p[20:]...)
			q[0] = 0x46
			binary.BigEndian.PutUint16(q[22:], 68) // where the port would be without options
			return q
		}(), false},
	}
	for _, tt := range tests {
		if n := runFilter(t, 68, tt.pkt); (n >= len(tt.pkt)) != tt.accept || (n != 0) != tt.accept {
			t.Errorf("%s: filter kept %d of %d bytes, want accept=%v", tt.name, n, len(tt.pkt), tt.accept)
		}
	}
}

// The DHCP client's filter passes BOOTREPLYs for its own chaddr only, so
// one interface's socket is not woken by the replies to the others.
func TestDHCPReplyFilter(t *testing.T) {
	ours := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	to68 := netip.MustParseAddrPort("255.255.255.255:68")
	bootp := func(op byte, chaddr net.HardwareAddr) []byte { return bootpMessage(op, 0, chaddr) }
	withOptions := func(p []byte) []byte { // a 24-byte IP header
		q := append(append(append([]byte{}, p[:20]...), 1, 1, 1, 0), p[20:]...)
		q[0] = 0x46
		return q
	}
	tests := []struct {
		name   string
		pkt    []byte
		accept bool
	}{
		{"reply for us", Frame(nil, bootp(2, ours), testServer, to68), true},
		{"reply for us, ip options", withOptions(Frame(nil, bootp(2, ours), testServer, to68)), true},
		{"reply for another client", Frame(nil, bootp(2, net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x56}), testServer, to68), false},
		{"first four bytes differ", Frame(nil, bootp(2, net.HardwareAddr{0x03, 0x11, 0x22, 0x33, 0x44, 0x55}), testServer, to68), false},
		{"a request with our chaddr", Frame(nil, bootp(1, ours), testServer, to68), false},
		{"reply to port 67", Frame(nil, bootp(2, ours), testServer, netip.MustParseAddrPort("255.255.255.255:67")), false},
		{"tcp", func() []byte { p := Frame(nil, bootp(2, ours), testServer, to68); p[9] = 6; return p }(), false},
		{"truncated before chaddr", Frame(nil, bootp(2, ours)[:30], testServer, to68), false},
	}
	prog := dhcpReplyProgram(replyMatch{port: 68, chaddr: ours})
	for _, tt := range tests {
		if n := runProgram(t, prog, tt.pkt); (n >= len(tt.pkt)) != tt.accept || (n != 0) != tt.accept {
			t.Errorf("%s: filter kept %d of %d bytes, want accept=%v", tt.name, n, len(tt.pkt), tt.accept)
		}
	}
	// Without a 6-byte chaddr it is the plain port filter.
	if got, want := len(dhcpReplyProgram(replyMatch{port: 68})), len(udpPortProgram(68)); got != want {
		t.Errorf("program without chaddr has %d instructions, want the port filter's %d", got, want)
	}
}

// bootpMessage is a 300-byte BOOTP message with op, xid and chaddr set.
func bootpMessage(op byte, xid uint32, chaddr net.HardwareAddr) []byte {
	b := make([]byte, 300)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	copy(b[28:], chaddr)
	return b
}

// While an exchange is open the filter also matches its xid (RFC 2131
// §4.1), so replies to other exchanges and forged packets with other
// xids stay in the kernel (SPEC §10).
func TestDHCPReplyFilterXID(t *testing.T) {
	ours := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	other := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x56}
	const xid = 0xdeadbeef
	to68 := netip.MustParseAddrPort("255.255.255.255:68")
	reply := func(op byte, x uint32, ch net.HardwareAddr) []byte {
		return Frame(nil, bootpMessage(op, x, ch), testServer, to68)
	}
	tests := []struct {
		name   string
		pkt    []byte
		accept bool
	}{
		{"reply in the exchange", reply(2, xid, ours), true},
		{"older exchange", reply(2, xid-1, ours), false},
		{"xid differs in its last byte", reply(2, xid^0x01, ours), false},
		{"xid differs in its first byte", reply(2, xid^0x01000000, ours), false},
		{"right xid, another client", reply(2, xid, other), false},
		{"right xid, a request", reply(1, xid, ours), false},
		{"right xid, to port 67", Frame(nil, bootpMessage(2, xid, ours), testServer, netip.MustParseAddrPort("255.255.255.255:67")), false},
		{"truncated inside the xid", Frame(nil, bootpMessage(2, xid, ours)[:6], testServer, to68), false},
		{"ip options", func() []byte {
			p := reply(2, xid, ours)
			q := append(append(append([]byte{}, p[:20]...), 1, 1, 1, 0), p[20:]...)
			q[0] = 0x46
			return q
		}(), true},
	}
	prog := dhcpReplyProgram(replyMatch{port: 68, chaddr: ours, xid: xid, hasXID: true})
	for _, tt := range tests {
		if n := runProgram(t, prog, tt.pkt); (n >= len(tt.pkt)) != tt.accept || (n != 0) != tt.accept {
			t.Errorf("%s: filter kept %d of %d bytes, want accept=%v", tt.name, n, len(tt.pkt), tt.accept)
		}
	}
	// Without a chaddr the xid still requires a BOOTREPLY.
	noCH := dhcpReplyProgram(replyMatch{port: 68, xid: xid, hasXID: true})
	for _, tc := range []struct {
		pkt    []byte
		accept bool
	}{{reply(2, xid, other), true}, {reply(2, xid+1, other), false}, {reply(1, xid, other), false}} {
		if n := runProgram(t, noCH, tc.pkt); (n != 0) != tc.accept {
			t.Errorf("xid without chaddr: kept %d bytes of op %d xid %#x, want accept=%v", n, tc.pkt[28], binary.BigEndian.Uint32(tc.pkt[32:]), tc.accept)
		}
	}
}

// A filter patched with an xid is the program assembled for that xid,
// for every xid in turn and with or without a chaddr.
func TestXIDFilterPatchesTheXID(t *testing.T) {
	for _, chaddr := range []net.HardwareAddr{nil, {0x02, 0, 0, 0, 0, 0x42}} {
		f, err := newXIDFilter(replyMatch{port: 68, chaddr: chaddr})
		if err != nil {
			t.Fatal(err)
		}
		for _, xid := range []uint32{0, 1, 0xdeadbeef, 0xffffffff, 7} {
			want, err := assembleFilter(dhcpReplyProgram(replyMatch{port: 68, chaddr: chaddr, xid: xid, hasXID: true}))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.with(xid); !slices.Equal(got, want) {
				t.Errorf("chaddr %v, xid %#x: patched %v, assembled %v", chaddr, xid, got, want)
			}
		}
	}
}
