package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ne16 and ne32 are integers in host byte order, as netlink carries
// them.
func ne16(v uint16) []byte { return binary.NativeEndian.AppendUint16(nil, v) }
func ne32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// nlHeader is a struct nlmsghdr with sequence number 1 from user space.
func nlHeader(length int, typ, flags uint16) []byte {
	return cat(ne32(uint32(length)), ne16(typ), ne16(unix.NLM_F_REQUEST|flags), ne32(1), ne32(0))
}

// The requests the Configurator sends, byte for byte, as the kernel
// reads them. The route and address requests are those the netlink
// module sent for the same calls, less the broadcast address it computed
// for a delete (the kernel matches an address without it).
func TestRequestWire(t *testing.T) {
	const idx = 3
	create := uint16(unix.NLM_F_CREATE | unix.NLM_F_EXCL | unix.NLM_F_ACK)
	tests := []struct {
		name string
		q    *nlRequest
		want []byte
	}{
		{"route via a gateway",
			routeRequest(unix.RTM_NEWROUTE, create, idx, Route{Dst: netip.MustParsePrefix("192.168.50.0/24"), Gateway: netip.MustParseAddr("10.77.0.9"), Metric: 100}),
			cat(nlHeader(60, unix.RTM_NEWROUTE, create),
				[]byte{unix.AF_INET, 24, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_DHCP, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST}, ne32(0), // rtmsg
				ne16(8), ne16(unix.RTA_DST), []byte{192, 168, 50, 0},
				ne16(8), ne16(unix.RTA_GATEWAY), []byte{10, 77, 0, 9},
				ne16(8), ne16(unix.RTA_PRIORITY), ne32(100),
				ne16(8), ne16(unix.RTA_OIF), ne32(idx))},
		{"on-link host route in a table past 255",
			routeRequest(unix.RTM_NEWROUTE, create, idx, Route{Dst: netip.MustParsePrefix("10.77.0.1/32"), OnLink: true, Metric: 7, Table: 1000}),
			cat(nlHeader(60, unix.RTM_NEWROUTE, create),
				[]byte{unix.AF_INET, 32, 0, 0, unix.RT_TABLE_UNSPEC, unix.RTPROT_DHCP, unix.RT_SCOPE_LINK, unix.RTN_UNICAST}, ne32(0),
				ne16(8), ne16(unix.RTA_DST), []byte{10, 77, 0, 1},
				ne16(8), ne16(unix.RTA_TABLE), ne32(1000),
				ne16(8), ne16(unix.RTA_PRIORITY), ne32(7),
				ne16(8), ne16(unix.RTA_OIF), ne32(idx))},
		{"delete of a default route with any gateway and metric",
			routeRequest(unix.RTM_DELROUTE, unix.NLM_F_ACK, idx, Route{Dst: netip.MustParsePrefix("0.0.0.0/0"), Table: 100}),
			cat(nlHeader(44, unix.RTM_DELROUTE, unix.NLM_F_ACK),
				[]byte{unix.AF_INET, 0, 0, 0, 100, unix.RTPROT_DHCP, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNSPEC}, ne32(0),
				ne16(8), ne16(unix.RTA_DST), []byte{0, 0, 0, 0},
				ne16(8), ne16(unix.RTA_OIF), ne32(idx))},
		{"address with broadcast and lifetime, rounded up",
			replaceAddrRequest(idx, Binding{Addr: netip.MustParsePrefix("10.77.0.23/24"), Broadcast: netip.MustParseAddr("10.77.0.255"), Lifetime: 599*time.Second + time.Millisecond}),
			cat(nlHeader(68, unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE|unix.NLM_F_ACK),
				[]byte{unix.AF_INET, 24, 0, unix.RT_SCOPE_UNIVERSE}, ne32(idx), // ifaddrmsg
				ne16(8), ne16(unix.IFA_LOCAL), []byte{10, 77, 0, 23},
				ne16(8), ne16(unix.IFA_ADDRESS), []byte{10, 77, 0, 23},
				ne16(8), ne16(unix.IFA_BROADCAST), []byte{10, 77, 0, 255},
				ne16(20), ne16(unix.IFA_CACHEINFO), ne32(600), ne32(600), ne32(0), ne32(0))},
		{"address without broadcast, forever",
			replaceAddrRequest(idx, Binding{Addr: netip.MustParsePrefix("10.77.0.23/32"), Broadcast: netip.IPv4Unspecified()}),
			cat(nlHeader(40, unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_REPLACE|unix.NLM_F_ACK),
				[]byte{unix.AF_INET, 32, 0, 0}, ne32(idx),
				ne16(8), ne16(unix.IFA_LOCAL), []byte{10, 77, 0, 23},
				ne16(8), ne16(unix.IFA_ADDRESS), []byte{10, 77, 0, 23})},
		{"address delete",
			addrRequest(unix.RTM_DELADDR, unix.NLM_F_ACK, idx, netip.MustParsePrefix("169.254.7.9/16")),
			cat(nlHeader(40, unix.RTM_DELADDR, unix.NLM_F_ACK),
				[]byte{unix.AF_INET, 16, 0, 0}, ne32(idx),
				ne16(8), ne16(unix.IFA_LOCAL), []byte{169, 254, 7, 9},
				ne16(8), ne16(unix.IFA_ADDRESS), []byte{169, 254, 7, 9})},
		{"mtu",
			mtuRequest(idx, 1400),
			cat(nlHeader(40, unix.RTM_SETLINK, unix.NLM_F_ACK),
				[]byte{unix.AF_UNSPEC, 0}, ne16(0), ne32(idx), ne32(0), ne32(0), // ifinfomsg
				ne16(8), ne16(unix.IFLA_MTU), ne32(1400))},
		{"up",
			upRequest(idx),
			cat(nlHeader(32, unix.RTM_NEWLINK, unix.NLM_F_ACK),
				[]byte{unix.AF_UNSPEC, 0}, ne16(0), ne32(idx), ne32(unix.IFF_UP), ne32(unix.IFF_UP))},
		{"neighbours of one link",
			neighboursRequest(idx),
			cat(nlHeader(36, unix.RTM_GETNEIGH, unix.NLM_F_DUMP),
				[]byte{unix.AF_INET, 0}, ne16(0), ne32(0), ne16(0), []byte{0, 0}, // ndmsg: no index, strict checking refuses one
				ne16(8), ne16(unix.NDA_IFINDEX), ne32(idx))},
	}
	for _, tc := range tests {
		if got := tc.q.message(1); !bytes.Equal(got, tc.want) {
			t.Errorf("%s:\n got % x\nwant % x", tc.name, got, tc.want)
		}
	}
}

// A lifetime past the kernel's largest finite one is sent as that.
func TestAddrLifetimeCapped(t *testing.T) {
	q := replaceAddrRequest(1, Binding{Addr: netip.MustParsePrefix("10.0.0.2/8"), Lifetime: 200 * 365 * 24 * time.Hour})
	msg := q.message(1)
	if got := binary.NativeEndian.Uint32(msg[len(msg)-12:]); got != 0xfffffffe {
		t.Errorf("valid lifetime: got %#x, want 0xfffffffe", got)
	}
}

// Strings end in NUL and every attribute is padded to four bytes; the
// header's length counts the padding, and message may be called again
// (a retried request) with a new sequence number.
func TestRequestPadding(t *testing.T) {
	q := newRequest(unix.RTM_GETLINK, 0, unix.IfInfomsg{})
	q.str(unix.IFLA_IFNAME, "eth0")
	q.attr(unix.IFLA_ADDRESS, []byte{1, 2, 3, 4, 5, 6})
	q.u32(unix.IFLA_EXT_MASK, 8)
	want := cat(nlHeader(64, unix.RTM_GETLINK, 0), make([]byte, unix.SizeofIfInfomsg),
		ne16(9), ne16(unix.IFLA_IFNAME), []byte("eth0\x00"), []byte{0, 0, 0},
		ne16(10), ne16(unix.IFLA_ADDRESS), []byte{1, 2, 3, 4, 5, 6}, []byte{0, 0},
		ne16(8), ne16(unix.IFLA_EXT_MASK), ne32(8))
	if got := q.message(1); !bytes.Equal(got, want) {
		t.Errorf("\n got % x\nwant % x", got, want)
	}
	if got := binary.NativeEndian.Uint32(q.message(7)[8:]); got != 7 {
		t.Errorf("second message: sequence number %d, want 7", got)
	}
}

func TestEachAttr(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want string
		err  error
	}{
		{"empty", nil, "", nil},
		{"padded values",
			cat(ne16(5), ne16(1), []byte{0xaa}, []byte{0, 0, 0},
				ne16(4), ne16(2), // empty value
				ne16(8), ne16(3), ne32(7)),
			"1:aa 2: 3:" + fmt.Sprintf("%x", ne32(7)), nil},
		{"flag bits cleared from the type",
			cat(ne16(4), ne16(unix.NLA_F_NESTED|18), ne16(4), ne16(unix.NLA_F_NET_BYTEORDER|19)),
			"18: 19:", nil},
		{"last value unpadded", cat(ne16(5), ne16(1), []byte{0xbb}), "1:bb", nil},
		{"trailing bytes short of a header", cat(ne16(4), ne16(1), []byte{0, 0, 0}), "1:", nil},
		{"length below the header", cat(ne16(3), ne16(1), ne32(0)), "", errAttrs},
		{"length past the end", cat(ne16(4), ne16(1), ne16(9), ne16(2), ne32(0)), "1:", errAttrs},
	}
	for _, tc := range tests {
		var got []string
		err := eachAttr(tc.wire, func(typ uint16, v []byte) error {
			got = append(got, fmt.Sprintf("%d:%x", typ, v))
			return nil
		})
		if s := fmt.Sprint(got); s != "["+tc.want+"]" || !errors.Is(err, tc.err) {
			t.Errorf("%s: got %s, %v; want [%s], %v", tc.name, s, err, tc.want, tc.err)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := eachAttr(cat(ne16(4), ne16(1), ne16(4), ne16(2)), func(uint16, []byte) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("an error from fn: got %v after %d calls, want it after 1", err, calls)
	}
}
