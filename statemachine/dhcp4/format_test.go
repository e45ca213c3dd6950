package dhcp4

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// catalogueWith returns a catalogue where code 200 has type typ.
func catalogueWith(t *testing.T, typ string) *Catalogue {
	t.Helper()
	ty, err := ParseType(typ)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalogue()
	c.Define(Def{Name: "test-option", Code: 200, Type: ty})
	return c
}

func TestFormatTypes(t *testing.T) {
	tests := []struct {
		typ        string
		data       []byte
		env, lease string
		back       []byte // what the lease text reads back as, when not data
	}{
		{"boolean", []byte{0}, "false", "false", nil},
		{"boolean", []byte{1}, "true", "true", nil},
		{"boolean", []byte{2}, "true", "true", []byte{1}}, // any non-zero byte is true
		{"signed integer 8", []byte{0xff}, "-1", "-1", nil},
		{"unsigned integer 8", []byte{0xff}, "255", "255", nil},
		{"signed integer 16", []byte{0x80, 0}, "-32768", "-32768", nil},
		{"unsigned integer 16", []byte{0x05, 0x78}, "1400", "1400", nil},
		{"signed integer 32", []byte{0xff, 0xff, 0xf1, 0xf0}, "-3600", "-3600", nil},
		{"unsigned integer 32", []byte{0xff, 0xff, 0xff, 0xff}, "4294967295", "4294967295", nil},
		// As ISC writes it on 64-bit Linux (test/testdata/isc-infinite).
		{"lease-time", []byte{0xff, 0xff, 0xff, 0xff}, "4294967295", "4294967295", nil},
		{"lease-time", []byte{0, 0, 0, 120}, "120", "120", nil},
		{"ip-address", []byte{10, 77, 0, 9}, "10.77.0.9", "10.77.0.9", nil},
		// Bytes after the last whole item are left out.
		{"ip-address", []byte{10, 77, 0, 9, 5}, "10.77.0.9", "10.77.0.9", []byte{10, 77, 0, 9}},
		{"array of ip-address", []byte{1, 2, 3, 4, 5}, "1.2.3.4", "1.2.3.4", []byte{1, 2, 3, 4}},
		{"ip6-address", append([]byte{0x20, 1, 0xd, 0xb8}, make([]byte, 12)...), "2001:db8::", "2001:db8::", nil},
		{"array of ip-address", []byte{127, 0, 0, 53, 10, 77, 0, 1}, "127.0.0.53 10.77.0.1", "127.0.0.53,10.77.0.1", nil},
		{"array of unsigned integer 16", []byte{1, 0, 2, 0, 0xff, 0xff}, "256 512 65535", "256,512,65535", nil},
		{"{ boolean, signed integer 32, ip-address, text }", []byte{1, 0xff, 0xff, 0xff, 0xfe, 10, 77, 0, 9, 'r', 'e', 'c'},
			"true -2 10.77.0.9 rec", `true -2 10.77.0.9 "rec"`, nil},
		// A record stops where its data ends.
		{"{ boolean, signed integer 32, ip-address, text }", []byte{1, 0xff, 0xff, 0xff, 0xfe, 10, 77, 0, 9},
			"true -2 10.77.0.9", "true -2 10.77.0.9", nil},
		{"array of { ip-address, ip-address }", []byte{10, 9, 0, 0, 10, 88, 0, 1, 10, 10, 0, 0, 10, 88, 0, 2},
			"10.9.0.0 10.88.0.1 10.10.0.0 10.88.0.2", "10.9.0.0 10.88.0.1,10.10.0.0 10.88.0.2", nil},
		{"{ boolean, array of ip-address }", []byte{1, 1, 2, 3, 4, 5, 6, 7, 8}, "true 1.2.3.4 5.6.7.8", "true 1.2.3.4,5.6.7.8", nil},
		{"text", []byte("A\x00B\nC\xff"), `A\000B\012C\377`, `"A\000B\012C\377"`, nil},
		// A last NUL is not written: "ABC" rather than "ABC\000".
		{"text", []byte("end\x00"), "end", `"end"`, []byte("end")},
		{"text", []byte("two\x00\x00"), `two\000`, `"two\000"`, []byte("two\x00")},
		{"text", []byte(`q" s' d$ b` + "`" + ` p| a& \ ; <>`), `q\" s\' d\$ b\` + "`" + ` p\| a\& \\ ; <>`,
			`"q\" s\' d\$ b\` + "`" + ` p\| a\& \\ ; <>"`, nil},
		{"text", []byte{}, "", `""`, nil},
		{"string", []byte("VendorX"), "VendorX", `"VendorX"`, nil},
		{"string", []byte("ABC\x00"), "ABC", `"ABC"`, []byte("ABC")},
		// Any other unprintable byte makes the whole value hex.
		{"string", []byte("AB\x00C"), "41:42:0:43", "41:42:0:43", nil},
		{"string", []byte{0xde, 0xad, 0xbe, 0xef, 0, 1}, "de:ad:be:ef:0:1", "de:ad:be:ef:0:1", nil},
		{"string", []byte(`say "hi" \o/`), `say \"hi\" \\o/`, `"say \"hi\" \\o/"`, nil},
		{"string", []byte{}, "", `""`, nil},
		{"encapsulate vendor", []byte{1, 4, 10, 88, 0, 5}, "1:4:a:58:0:5", "1:4:a:58:0:5", nil},
		{"domain-list", []byte("\x07example\x04test\x00\x04corp\x07example\x04test\x00"),
			"example.test. corp.example.test.", `"example.test.", "corp.example.test."`, nil},
		{"domain-list compressed", []byte("\x07example\x04test\x00\x04corp\xc0\x00"),
			"example.test. corp.example.test.", `"example.test.", "corp.example.test."`, nil},
		// A dot inside a label is escaped in the environment only.
		{"domain-list", []byte("\x03a.b\x04c d$\x00"), `a\.b.c\032d\$.`, `"a.b.c d\$."`, []byte("\x01a\x01b\x04c d$\x00")},
		{"domain-list", []byte{0}, "..", `""`, nil},
		{"domain-list", []byte{}, "", "", nil},
		// A bad name ends the list after its separator.
		{"domain-list", []byte("\x01a\x00\x05b"), "a. ", `"a.", `, nil},
		{"domain-name", []byte("\x04host\x00"), "host.", "host.", nil},
		{"zerolen", nil, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.env, func(t *testing.T) {
			c := catalogueWith(t, tt.typ)
			env, err := c.FormatEnv(200, tt.data)
			if err != nil || env != tt.env {
				t.Errorf("FormatEnv = %q, %v; want %q", env, err, tt.env)
			}
			lease, err := c.FormatLease(200, tt.data)
			if err != nil || lease != tt.lease {
				t.Errorf("FormatLease = %q, %v; want %q", lease, err, tt.lease)
			}
			want := tt.back
			if want == nil {
				want = tt.data
			}
			if strings.HasSuffix(lease, ", ") {
				return // the list ISC cut short does not read back
			}
			back, err := c.ParseValue(200, lease)
			if err != nil || !bytes.Equal(back, want) {
				t.Errorf("ParseValue(%q) = %x, %v; want %x", lease, back, err, want)
			}
		})
	}
}

// TestFormatErrors lists the data for which ISC prints "<error>".
func TestFormatErrors(t *testing.T) {
	tests := []struct {
		typ  string
		data []byte
	}{
		{"ip-address", []byte{1, 2, 3}},
		{"ip-address", nil},
		{"array of ip-address", nil},
		{"unsigned integer 16", []byte{1}},
		{"array of { ip-address, ip-address }", []byte{1, 2, 3, 4}},
		{"{ boolean, array of ip-address }", []byte{0}},
		{"domain-name", []byte{3, 'a'}},
		{"domain-name", nil},
	}
	for _, tt := range tests {
		c := catalogueWith(t, tt.typ)
		if v, err := c.FormatEnv(200, tt.data); !errors.Is(err, ErrBadValue) {
			t.Errorf("%s % x: FormatEnv = %q, %v; want ErrBadValue", tt.typ, tt.data, v, err)
		}
		if v, err := c.FormatLease(200, tt.data); !errors.Is(err, ErrBadValue) {
			t.Errorf("%s % x: FormatLease = %q, %v; want ErrBadValue", tt.typ, tt.data, v, err)
		}
	}
}

func TestParseValueConfigText(t *testing.T) {
	c := NewCatalogue()
	tests := []struct {
		code uint8
		text string
		want []byte
	}{
		{OptDNS, "127.0.0.53", []byte{127, 0, 0, 53}},
		{OptDNS, "1.2.3.4, 5.6.7.8", []byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{OptDomainName, `"superseded.test"`, []byte("superseded.test")},
		{OptClientID, "1:2:ab", []byte{1, 2, 0xab}},
		{OptClientID, `"id\x"`, []byte("idx")},
		{OptLeaseTime, "0x10", []byte{0, 0, 0, 16}},
		// Integers read as ISC's convert_num reads them: octal after a
		// leading 0, a sign for any type, and any value that fits the
		// width signed or unsigned.
		{OptLeaseTime, "010", []byte{0, 0, 0, 8}},
		{OptLeaseTime, "0", []byte{0, 0, 0, 0}},
		{OptLeaseTime, "-1", []byte{0xff, 0xff, 0xff, 0xff}},
		{OptMaxMessageSize, "-0x10", []byte{0xff, 0xf0}},
		{OptTimeOffset, "4294967295", []byte{0xff, 0xff, 0xff, 0xff}},
		{OptTimeOffset, "-2147483648", []byte{0x80, 0, 0, 0}},
		{19, "on", []byte{1}},
		{OptDomainSearch, `"a.test", "b.a.test"`, []byte("\x01a\x04test\x00\x01b\xc0\x00")},
		{OptMaxMessageSize, "", []byte{}},
		// An octal escape starts with 0 to 3, as ISC's lexer has it.
		{OptDomainName, `"a\101\5\7b"`, []byte("aA57b")},
		// Text may be a bare identifier, as ISC's parser takes it.
		{OptDomainName, "bare", []byte("bare")},
		{OptHostName, "my-host_1", []byte("my-host_1")},
	}
	for _, tt := range tests {
		got, err := c.ParseValue(tt.code, tt.text)
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("ParseValue(%d, %q) = %x, %v; want %x", tt.code, tt.text, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		code uint8
		text string
	}{
		{OptDNS, "1.2.3"}, {OptDNS, "::1"}, {OptDomainName, "bare.test"}, {OptHostName, "1234"}, {OptClientID, "1:2:345"},
		{OptMaxMessageSize, "65536"}, {2, "4294967296"}, {19, "yes"},
		// Out of the width's range, signed and unsigned alike, or digits
		// the base has not: where ISC warns.
		{OptLeaseTime, "-2147483649"}, {OptLeaseTime, "08"}, {OptLeaseTime, "0x"}, {OptLeaseTime, "+5"},
		{OptLeaseTime, "-"}, {OptLeaseTime, "1e3"}, {OptLeaseTime, "0x1g"}, {OptDomainSearch, "a.test"},
		{OptDomainSearch, `"a..b"`}, {OptDomainName, `"open`}, {OptSubnetMask, "1.2.3.4 5.6.7.8"},
		{OptRouter, "1.2.3.4,,"},
	} {
		if got, err := c.ParseValue(tt.code, tt.text); !errors.Is(err, ErrBadValue) {
			t.Errorf("ParseValue(%d, %q) = %x, %v; want ErrBadValue", tt.code, tt.text, got, err)
		}
	}
}

// TestLeaseTimeInfiniteReadsBack checks that "infinite", which ISC's
// parser takes for a lease time (and ISC writes on 32-bit hosts), still
// reads as 0xffffffff, although the number is what is written.
func TestLeaseTimeInfiniteReadsBack(t *testing.T) {
	c := catalogueWith(t, "lease-time")
	got, err := c.ParseValue(200, "infinite")
	if err != nil || !bytes.Equal(got, []byte{0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("ParseValue(infinite) = %x, %v; want ffffffff", got, err)
	}
}
