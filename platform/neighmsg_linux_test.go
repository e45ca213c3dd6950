package platform

import (
	"errors"
	"net/netip"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// neighbourPayload encodes n as the payload of an RTM_NEWNEIGH message
// for the IPv4 neighbour addr.
func neighbourPayload(n neighbour, addr netip.Addr) []byte {
	q := newRequest(unix.RTM_NEWNEIGH, 0, unix.NdMsg{Family: unix.AF_INET, Ifindex: int32(n.Index), State: n.State})
	q.addr(unix.NDA_DST, addr)
	return q.message(0)[unix.SizeofNlMsghdr:]
}

func TestParseNeighbour(t *testing.T) {
	wire := cat(
		[]byte{unix.AF_INET, 0}, ne16(0), ne32(4), // family, padding, ndm_ifindex
		ne16(unix.NUD_INCOMPLETE), []byte{0, unix.RTN_UNICAST}, // ndm_state, ndm_flags, ndm_type
		ne16(8), ne16(unix.NDA_DST), []byte{10, 78, 0, 1})
	want := neighbour{Index: 4, State: unix.NUD_INCOMPLETE}
	if got, err := parseNeighbour(wire); err != nil || got != want {
		t.Errorf("got %+v, %v; want %+v", got, err, want)
	}
	if !resolving(want) {
		t.Errorf("resolving(%+v) = false, want true", want)
	}
	if n, err := parseNeighbour(wire[:unix.SizeofNdMsg-1]); !errors.Is(err, errNeighMessage) {
		t.Errorf("short header: got %+v, %v; want errNeighMessage", n, err)
	}
}

// FuzzParseNeighbour checks that parseNeighbour never panics and that
// what it accepts, encoded again, reads back the same. The corpus holds
// a permanent and an incomplete entry from a kernel's dump.
func FuzzParseNeighbour(f *testing.F) {
	f.Add(neighbourPayload(neighbour{Index: 2, State: unix.NUD_REACHABLE}, netip.MustParseAddr("10.77.0.1")))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseNeighbour(b)
		if err != nil {
			return
		}
		again, err := parseNeighbour(neighbourPayload(n, netip.IPv4Unspecified()))
		if err != nil || again != n {
			t.Fatalf("encoded again: got %+v, %v; want %+v", again, err, n)
		}
	})
}

// Where the kernel does not filter the dump, the entries of other links
// are dropped here.
func TestAppendNeighbourKeepsOneLink(t *testing.T) {
	msg := func(typ uint16, index int) syscall.NetlinkMessage {
		m := syscall.NetlinkMessage{Data: neighbourPayload(neighbour{Index: index, State: unix.NUD_INCOMPLETE}, netip.MustParseAddr("10.0.0.1"))}
		m.Header.Type = typ
		return m
	}
	var ns []neighbour
	for _, m := range []syscall.NetlinkMessage{msg(unix.RTM_NEWNEIGH, 2), msg(unix.RTM_NEWNEIGH, 3), msg(unix.RTM_DELNEIGH, 2), msg(unix.RTM_NEWNEIGH, 2)} {
		ns = appendNeighbour(ns, m, 2)
	}
	want := neighbour{Index: 2, State: unix.NUD_INCOMPLETE}
	if len(ns) != 2 || ns[0] != want || ns[1] != want {
		t.Errorf("got %+v, want link 2's two entries", ns)
	}
}
