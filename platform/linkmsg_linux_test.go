package platform

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// linkPayload encodes l as the payload of an RTM_NEWLINK message, as
// the kernel would send it for the fields parseLink reads.
func linkPayload(l linkInfo) []byte {
	q := newRequest(unix.RTM_NEWLINK, 0, unix.IfInfomsg{Family: unix.AF_UNSPEC, Index: int32(l.Index), Flags: l.Flags})
	if l.Name != "" {
		q.str(unix.IFLA_IFNAME, l.Name)
	}
	q.u32(unix.IFLA_MTU, uint32(l.MTU))
	q.attr(unix.IFLA_OPERSTATE, []byte{l.OperState})
	q.u32(unix.IFLA_CARRIER_UP_COUNT, l.CarrierUps)
	if len(l.HardwareAddr) > 0 {
		q.attr(unix.IFLA_ADDRESS, l.HardwareAddr)
	}
	return q.message(0)[unix.SizeofNlMsghdr:]
}

func sameLink(a, b linkInfo) bool {
	return a.Index == b.Index && a.Name == b.Name && a.MTU == b.MTU && a.Flags == b.Flags &&
		a.OperState == b.OperState && bytes.Equal(a.HardwareAddr, b.HardwareAddr) && a.CarrierUps == b.CarrierUps
}

func TestParseLink(t *testing.T) {
	hw := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	ifinfo := func(index int32, flags uint32) []byte {
		return cat([]byte{unix.AF_UNSPEC, 0}, ne16(unix.ARPHRD_ETHER), ne32(uint32(index)), ne32(flags), ne32(0))
	}
	tests := []struct {
		name string
		wire []byte
		want linkInfo
	}{
		{"header only", ifinfo(7, unix.IFF_UP), linkInfo{Index: 7, Flags: unix.IFF_UP}},
		{"the attributes used, among others",
			cat(ifinfo(3, unix.IFF_UP|unix.IFF_BROADCAST|unix.IFF_LOWER_UP),
				ne16(12), ne16(unix.IFLA_IFNAME), []byte("eth0\x00"), []byte{0, 0, 0},
				ne16(8), ne16(unix.IFLA_TXQLEN), ne32(1000), // skipped
				ne16(8), ne16(unix.IFLA_MTU), ne32(1500),
				ne16(5), ne16(unix.IFLA_OPERSTATE), []byte{ifOperUp}, []byte{0, 0, 0},
				ne16(12), ne16(unix.NLA_F_NESTED|unix.IFLA_LINKINFO), ne16(8), ne16(1), []byte("veth"), // skipped
				ne16(10), ne16(unix.IFLA_ADDRESS), hw, []byte{0, 0},
				ne16(10), ne16(unix.IFLA_BROADCAST), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, []byte{0, 0},
				ne16(8), ne16(unix.IFLA_CARRIER_UP_COUNT), ne32(3)),
			linkInfo{Index: 3, Name: "eth0", MTU: 1500, Flags: unix.IFF_UP | unix.IFF_BROADCAST | unix.IFF_LOWER_UP, OperState: ifOperUp, HardwareAddr: hw, CarrierUps: 3}},
		{"an all-zero address is none",
			cat(ifinfo(1, 0), ne16(10), ne16(unix.IFLA_ADDRESS), make([]byte, 6), []byte{0, 0}),
			linkInfo{Index: 1}},
		{"a name without its NUL",
			cat(ifinfo(1, 0), ne16(6), ne16(unix.IFLA_IFNAME), []byte("lo"), []byte{0, 0}),
			linkInfo{Index: 1, Name: "lo"}},
		{"padding after the last attribute",
			cat(ifinfo(2, 0), ne16(8), ne16(unix.IFLA_MTU), ne32(9000), []byte{0, 0}),
			linkInfo{Index: 2, MTU: 9000}},
	}
	for _, tc := range tests {
		got, err := parseLink(tc.wire)
		if err != nil || !sameLink(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
}

func TestParseLinkRejects(t *testing.T) {
	header := make([]byte, unix.SizeofIfInfomsg)
	for name, wire := range map[string][]byte{
		"empty":               nil,
		"short header":        header[:15],
		"short mtu":           cat(header, ne16(6), ne16(unix.IFLA_MTU), ne16(1500), []byte{0, 0}),
		"long operstate":      cat(header, ne16(8), ne16(unix.IFLA_OPERSTATE), ne32(ifOperUp)),
		"short up count":      cat(header, ne16(6), ne16(unix.IFLA_CARRIER_UP_COUNT), ne16(1), []byte{0, 0}),
		"attribute past end":  cat(header, ne16(12), ne16(unix.IFLA_MTU), ne32(1500)),
		"attribute below one": cat(header, ne16(2), ne16(unix.IFLA_MTU), ne32(1500)),
	} {
		if l, err := parseLink(wire); !errors.Is(err, errLinkMessage) && !errors.Is(err, errAttrs) {
			t.Errorf("%s: got %+v, %v; want an error", name, l, err)
		}
	}
}

// carrierUp, which the link watch reports as Up, is operational with
// the interface administratively up.
func TestCarrierUp(t *testing.T) {
	for _, tc := range []struct {
		oper  uint8
		flags uint32
		want  bool
	}{
		{ifOperUp, unix.IFF_UP, true},
		{ifOperUp, 0, false}, // set down, operstate not yet updated
		{ifOperUnknown, unix.IFF_UP | unix.IFF_LOWER_UP, true},
		{ifOperUnknown, unix.IFF_LOWER_UP, false},
		{2 /* down */, unix.IFF_UP | unix.IFF_LOWER_UP, false},
	} {
		if got := carrierUp(&linkInfo{OperState: tc.oper, Flags: tc.flags}); got != tc.want {
			t.Errorf("carrierUp(operstate %d, flags %#x) = %v, want %v", tc.oper, tc.flags, got, tc.want)
		}
	}
}

// FuzzParseLink checks that parseLink never panics on any payload and
// that what it accepts, encoded again, reads back the same. The corpus
// holds link messages from a kernel's dump (lo, a veth that is up).
func FuzzParseLink(f *testing.F) {
	f.Add(linkPayload(linkInfo{Index: 2, Name: "eth0", MTU: 1500, Flags: unix.IFF_UP, OperState: ifOperUp,
		HardwareAddr: net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseLink(b)
		if err != nil {
			return
		}
		again, err := parseLink(linkPayload(l))
		if err != nil || !sameLink(again, l) {
			t.Fatalf("encoded again: got %+v, %v; want %+v", again, err, l)
		}
	})
}
