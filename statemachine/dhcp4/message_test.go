package dhcp4

import (
	"bytes"
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"testing"
)

// wire builds a message: a BOOTREPLY header with the given sname and file
// areas, the magic cookie, then the main options field.
func wire(sname, file []byte, options ...[]byte) []byte {
	b := []byte{2, 1, 6, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	b = append(b, make([]byte, 16+16)...) // ciaddr..giaddr, chaddr
	b = append(b, sname...)
	b = append(b, make([]byte, 64-len(sname))...)
	b = append(b, file...)
	b = append(b, make([]byte, 128-len(file))...)
	b = append(b, 99, 130, 83, 99)
	return append(b, slices.Concat(options...)...)
}

func TestParseErrors(t *testing.T) {
	badCookie := wire(nil, nil, opt(53, 5))
	badCookie[236] = 0
	tests := []struct {
		name  string
		in    []byte
		field string
		err   error
	}{
		{"empty input", nil, "header", ErrTruncated},
		{"truncated header", wire(nil, nil)[:239], "header", ErrTruncated},
		{"bad cookie", badCookie, "cookie", ErrBadCookie},
		{"truncated option length", wire(nil, nil, []byte{53}), "options", ErrTruncated},
		{"truncated option data", wire(nil, nil, []byte{53, 4, 1}), "options", ErrTruncated},
		{"truncated option in file", wire(nil, []byte{3, 200, 1}, opt(52, 1)), "file", ErrTruncated},
		{"truncated option in sname", wire([]byte{3, 200}, nil, opt(52, 2)), "sname", ErrTruncated},
		{"overlong input", make([]byte, 70000), "message", ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Field != tt.field || !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want a %s error in %s", err, tt.err, tt.field)
			}
		})
	}
}

func TestParseOptionAreas(t *testing.T) {
	tests := []struct {
		name        string
		in          []byte
		want        Options
		sname, file string
	}{
		{"pads skipped and end stops", wire(nil, nil, []byte{0, 0}, opt(53, 5), []byte{0, 255}, opt(3, 1, 2, 3, 4)),
			Options{{53, []byte{5}}}, "", ""},
		{"missing end is fine", wire(nil, nil, opt(53, 5)), Options{{53, []byte{5}}}, "", ""},
		{"zero-length option", wire(nil, nil, opt(80), []byte{255}), Options{{80, []byte{}}}, "", ""},
		{"no overload: sname and file are text", wire(str("srv"), str("boot.bin"), opt(53, 5)),
			Options{{53, []byte{5}}}, "srv", "boot.bin"},
		{"overload 1 reads file", wire(str("srv"), opt(3, 1, 2, 3, 4), opt(52, 1), []byte{255}),
			Options{{52, []byte{1}}, {3, []byte{1, 2, 3, 4}}}, "srv", ""},
		{"overload 3 reads file then sname", wire(opt(15, 'b'), opt(15, 'a'), opt(52, 3)),
			Options{{52, []byte{3}}, {15, []byte{'a'}}, {15, []byte{'b'}}}, "", ""},
		{"option 52 in file is ignored", wire(opt(12, 'x'), opt(52, 2), opt(52, 1)),
			Options{{52, []byte{1}}, {52, []byte{2}}}, string(opt(12, 'x')), ""},
		{"bad option 52 value", wire(nil, str("f"), opt(52, 9)), Options{{52, []byte{9}}}, "", "f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Options, tt.want) || m.SName != tt.sname || m.File != tt.file {
				t.Errorf("got %v sname %q file %q, want %v %q %q", m.Options, m.SName, m.File, tt.want, tt.sname, tt.file)
			}
		})
	}
}

func TestRFC3396JoinAndSplit(t *testing.T) {
	m, err := Parse(wire(nil, nil, opt(119, 'a', 'b'), opt(3, 1, 2, 3, 4), opt(119, 'c')))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := m.Options.Get(119); string(d) != "abc" {
		t.Errorf("joined 119 = %q, want abc", d)
	}
	long := bytes.Repeat([]byte{7}, 600)
	out := &Message{Op: BootRequest, Options: Options{{OptClientID, long}}}
	b, err := out.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := b[headerLen:]
	for i, n := range []int{255, 255, 90} {
		if opts[0] != OptClientID || int(opts[1]) != n {
			t.Fatalf("piece %d: code %d length %d, want 61 %d", i, opts[0], opts[1], n)
		}
		opts = opts[2+n:]
	}
	if opts[0] != OptEnd {
		t.Fatalf("after pieces: %d, want end", opts[0])
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := back.Options.Get(OptClientID); !bytes.Equal(d, long) {
		t.Errorf("read back %d bytes, want the 600 written", len(d))
	}
}

func TestAppendBinaryPadsTo300(t *testing.T) {
	m := &Message{Op: BootRequest, XID: 0x1234, CIAddr: netip.MustParseAddr("10.0.0.1"),
		Options: Options{{OptMessageType, []byte{byte(Discover)}}}}
	b, err := m.AppendBinary([]byte("prefix"))
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:6]) != "prefix" || len(b)-6 != 300 {
		t.Fatalf("got %d bytes after the prefix, want 300", len(b)-6)
	}
	if got := b[6+headerLen : 6+headerLen+4]; !bytes.Equal(got, []byte{53, 1, 1, 255}) {
		t.Errorf("options % x, want 35 01 01 ff", got)
	}
	if slices.ContainsFunc(b[6+headerLen+4:], func(c byte) bool { return c != 0 }) {
		t.Error("padding is not all zero")
	}
	back, err := Parse(b[6:])
	if err != nil || back.CIAddr != m.CIAddr || back.XID != m.XID {
		t.Errorf("read back %+v, %v", back, err)
	}
}

func TestAppendBinarySizedOverload(t *testing.T) {
	var opts Options
	for code := uint8(200); code < 212; code++ {
		opts = append(opts, Option{code, bytes.Repeat([]byte{code}, 32)})
	}
	tests := []struct {
		name         string
		max          int
		sname, file  string
		wantOverload byte
		wantErr      bool
	}{
		{"no limit", 0, "", "", 0, false},
		{"fits", 1000, "", "", 0, false},
		{"file only", 576, "", "", 1, false},
		{"file and sname", 520, "", "", 3, false},
		{"file in use: sname only", 620, "", "boot", 2, false},
		{"too small", 300, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{Op: BootReply, SName: tt.sname, File: tt.file, Options: opts}
			b, err := m.AppendBinarySized(nil, tt.max)
			if tt.wantErr {
				if !errors.Is(err, ErrTooLong) {
					t.Fatalf("got %v, want ErrTooLong", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.max > 0 && len(b) > tt.max {
				t.Errorf("%d bytes, over the limit %d", len(b), tt.max)
			}
			back, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			ov, _ := back.Options.Get(OptOverload)
			if (tt.wantOverload == 0) != (ov == nil) || (ov != nil && ov[0] != tt.wantOverload) {
				t.Errorf("option 52 = %v, want %d", ov, tt.wantOverload)
			}
			got := back.Options.Joined()
			got.Del(OptOverload)
			if !reflect.DeepEqual(got, opts) || back.File != tt.file || back.SName != tt.sname {
				t.Errorf("read back differs: %v file %q sname %q", got, back.File, back.SName)
			}
		})
	}
}

func TestAppendBinarySizedSplitsLongOption(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, 300)
	m := &Message{Op: BootReply, Options: Options{{OptMessageType, []byte{5}}, {OptDomainSearch, long}}}
	b, err := m.AppendBinarySized(nil, 400)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := back.Options.Get(OptDomainSearch); !bytes.Equal(d, long) || len(b) > 400 {
		t.Errorf("got %d bytes of 119 in a %d-byte message", len(d), len(b))
	}
}

// TestISCOrder checks ISC's hash order: buckets (code&31 + code>>5) % 17
// ascending, the later option first within a bucket (3 and 51 share
// bucket 3, 6 and 54 bucket 6); golden logs 7 and 10 list root-path
// (17), host-name (12), netbios-scope (47) so.
func TestISCOrder(t *testing.T) {
	var o Options
	for _, c := range []uint8{1, 3, 6, 12, 15, 17, 47, 51, 53, 54} {
		o = append(o, Option{Code: c})
	}
	var got []uint8
	for _, opt := range o.ISCOrder() {
		got = append(got, opt.Code)
	}
	if want := []uint8{17, 1, 51, 3, 53, 54, 6, 12, 15, 47}; !slices.Equal(got, want) {
		t.Errorf("ISCOrder = %v, want %v", got, want)
	}
}

// TestClientOrder checks the order of a client's options against what ISC
// dhclient 4.4.3-P1 sent, captured on the wire, for options stored in the
// order of its make_client_options: the DHCPDISCOVER and DHCPREQUEST of a
// dhclient.conf of thirteen top-level send statements (client identifier,
// vendor class, vendor options, user class, lease time, maximum message
// size, fqdn, host name, DNS servers, routers, mask, NIS domain, root
// path), and of one whose interface block sends root path, NIS domain,
// maximum message size, vendor class, vendor options and host name between
// top-level user class and lease time before it and NetBIOS scope after
// it. Options 57 and 40, and 60 and 43, share a hash bucket: the one
// stored last goes first.
func TestClientOrder(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stored []uint8
		want   []uint8
	}{
		{"discover", []uint8{53, 55, 61, 60, 43, 77, 51, 57, 81, 12, 6, 3, 1, 40, 17},
			[]uint8{53, 51, 1, 3, 6, 12, 81, 17, 55, 40, 57, 43, 60, 61, 77}},
		{"request", []uint8{54, 50, 53, 55, 61, 60, 43, 77, 51, 57, 81, 12, 6, 3, 1, 40, 17},
			[]uint8{53, 54, 51, 50, 1, 3, 6, 12, 81, 17, 55, 40, 57, 43, 60, 61, 77}},
		{"interface scope", []uint8{53, 55, 77, 51, 47, 17, 40, 57, 60, 43, 12},
			[]uint8{53, 51, 12, 17, 55, 57, 40, 43, 60, 77, 47}},
	} {
		var o Options
		for _, c := range tc.stored {
			o = append(o, Option{Code: c, Data: []byte{c}})
		}
		var got []uint8
		for _, opt := range o.ClientOrder() {
			if opt.Data[0] != opt.Code {
				t.Fatalf("%s: option %d carries the data of %d", tc.name, opt.Code, opt.Data[0])
			}
			got = append(got, opt.Code)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: ClientOrder = %v, want %v", tc.name, got, tc.want)
		}
	}
}
