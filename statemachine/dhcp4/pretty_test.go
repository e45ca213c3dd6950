package dhcp4

import (
	"bytes"
	"testing"
)

// TestPrettyBuiltinQuirks checks ISC's pretty_print_option on built-in
// formats whose output is surprising but what ISC scripts and lease files
// hold (common/options.c, 4.4.3).
func TestPrettyBuiltinQuirks(t *testing.T) {
	c := NewCatalogue()
	tests := []struct {
		name       string
		code       uint8
		data       []byte
		env, lease string
	}{
		// pxe-client-id "BX": the string check covers the whole option,
		// and the first hex byte follows the number without a separator.
		{"pxe-client-id hex", 97, []byte{0, 0x12, 0x34}, "012:34", "012:34"},
		{"pxe-client-id text", 97, []byte{'A', 'b', 'c'}, "65 bc", `65 "bc"`},
		// rdnss-selection "BIID": a separator goes before the first name.
		{"rdnss-selection", 146, []byte{1, 10, 0, 0, 1, 10, 0, 0, 2, 1, 'a', 0},
			"1 10.0.0.1 10.0.0.2  a.", `1 10.0.0.1 10.0.0.2 , "a."`},
		// slp-service-scope "fto": the optional text may be absent.
		{"slp-service-scope", 79, []byte{1}, "true", "true"},
		{"slp-service-scope text", 79, []byte{0, 's', 'c'}, "false sc", `false "sc"`},
		// slp-directory-agent "fIa".
		{"slp-directory-agent", 78, []byte{1, 10, 0, 0, 1, 10, 0, 0, 2}, "true 10.0.0.1 10.0.0.2", "true 10.0.0.1,10.0.0.2"},
		// policy-filter "IIA" with a partial record at the end.
		{"policy-filter", 21, []byte{10, 0, 0, 0, 255, 0, 0, 0, 1}, "10.0.0.0 255.0.0.0", "10.0.0.0 255.0.0.0"},
		// v4-lost "d": a name, unquoted even in the lease file.
		{"v4-lost", 137, []byte("\x04lost\x03sip\x00"), "lost.sip.", "lost.sip."},
		// Compression pointers may point forwards in ISC's decoder.
		{"domain-search forward", 119, []byte("\xc0\x02\x01a\x00"), "a. a.", `"a.", "a."`},
		// vendor-class-identifier is a string: text if printable.
		{"vendor-class-identifier", 60, []byte("MSFT 5.0"), "MSFT 5.0", `"MSFT 5.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := c.FormatEnv(tt.code, tt.data)
			if err != nil || env != tt.env {
				t.Errorf("FormatEnv = %q, %v; want %q", env, err, tt.env)
			}
			lease, err := c.FormatLease(tt.code, tt.data)
			if err != nil || lease != tt.lease {
				t.Errorf("FormatLease = %q, %v; want %q", lease, err, tt.lease)
			}
		})
	}
}

// TestPrettyNames checks the escapes of domain names: BIND's ns_name_ntop
// in the environment, ISC's text escapes in the lease file.
func TestPrettyNames(t *testing.T) {
	tests := []struct {
		data       []byte
		env, lease string
	}{
		{[]byte("\x03a(b\x00"), "a(b.", `"a(b."`},
		{[]byte("\x04a\"@;\x00"), `a\"\@\;.`, `"a\"@;."`},
		{[]byte("\x02a\x01\x00"), `a\001.`, `"a\001."`},
		{[]byte("\x02a\x00\x00"), `a\000.`, `"a."`}, // the label's last NUL
		{[]byte("\x02a\xe9\x00"), `a\233.`, `"a\351."`},
	}
	c := catalogueWith(t, "domain-list")
	for _, tt := range tests {
		env, err := c.FormatEnv(200, tt.data)
		if err != nil || env != tt.env {
			t.Errorf("% x: FormatEnv = %q, %v; want %q", tt.data, env, err, tt.env)
		}
		lease, err := c.FormatLease(200, tt.data)
		if err != nil || lease != tt.lease {
			t.Errorf("% x: FormatLease = %q, %v; want %q", tt.data, lease, err, tt.lease)
		}
	}
}

// TestPrettyLimits checks that a rendering longer than ISC's 32 KiB
// buffer is an error, and that a pointer loop ends a list.
func TestPrettyLimits(t *testing.T) {
	c := catalogueWith(t, "string")
	if _, err := c.FormatLease(200, bytes.Repeat([]byte{0xff}, 12000)); err == nil {
		t.Error("36000 characters of hex: no error")
	}
	c = catalogueWith(t, "domain-list")
	if v, err := c.FormatEnv(200, []byte{0xc0, 0}); err != nil || v != "" {
		t.Errorf("pointer to itself: %q, %v; want an empty list", v, err)
	}
}

func TestReceived(t *testing.T) {
	c := catalogueWith(t, "{ unsigned integer 8, text }")
	tests := []struct {
		code uint8
		data []byte
		want []byte
		ok   bool
	}{
		{OptHostName, []byte("vm\x00\x00"), []byte("vm"), true},
		{OptHostName, []byte{}, nil, false},
		{OptDomainName, []byte("\x00"), []byte{}, true},
		{OptClientID, []byte("id\x00"), []byte("id\x00"), true}, // a string keeps its NULs
		{OptRouter, []byte{10, 0, 0, 0}, []byte{10, 0, 0, 0}, true},
		{200, []byte{0, 0}, []byte{0}, true}, // not into the fixed field
		{200, []byte{0, 'a', 0}, []byte{0, 'a'}, true},
	}
	for _, tt := range tests {
		got, ok := c.Received(tt.code, tt.data)
		if ok != tt.ok || !bytes.Equal(got, tt.want) {
			t.Errorf("Received(%d, %q) = %q, %v; want %q, %v", tt.code, tt.data, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFormatMinLength(t *testing.T) {
	tests := []struct {
		format string
		want   int
	}{
		{"t", 0}, {"fto", 1}, {"flIt", 9}, {"BX", 1}, {"IA", 4}, {"6", 16}, {"c", maxInt},
	}
	for _, tt := range tests {
		if got := formatMinLength(tt.format); got != tt.want {
			t.Errorf("formatMinLength(%q) = %d, want %d", tt.format, got, tt.want)
		}
	}
}

const maxInt = int(^uint(0) >> 1)
