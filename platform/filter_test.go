package platform

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/net/bpf"
)

// runFilter runs the socket filter for port over pkt in the BPF virtual
// machine and returns how many bytes the kernel would keep.
func runFilter(t *testing.T, port uint16, pkt []byte) int {
	t.Helper()
	if _, err := udpPortFilter(port); err != nil {
		t.Fatal(err)
	}
	vm, err := bpf.NewVM(udpPortProgram(port))
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
