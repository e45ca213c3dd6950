package dbus

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// cstr is s with its terminating NUL.
func cstr(s string) []byte { return append([]byte(s), 0) }

// leSleepSignal is logind's PrepareForSleep(true), little-endian, as the
// bus delivers it (with SENDER), written out by hand.
func leSleepSignal() []byte {
	return cat(
		[]byte{'l', 4, 0, 1}, // little-endian, signal, no flags, version 1
		le32(4),              // body length
		le32(7),              // serial
		le32(117),            // header fields length, from offset 16 to 133
		// 16: PATH, variant of type o
		[]byte{1, 1, 'o', 0}, le32(23), cstr("/org/freedesktop/login1"),
		// 48: INTERFACE, variant of type s
		[]byte{2, 1, 's', 0}, le32(30), cstr("org.freedesktop.login1.Manager"),
		// 87: pad to 88, then MEMBER, variant of type s
		[]byte{0}, []byte{3, 1, 's', 0}, le32(15), cstr("PrepareForSleep"),
		// 112: SIGNATURE, variant of type g
		[]byte{8, 1, 'g', 0}, []byte{1, 'b', 0},
		// 119: pad to 120, then SENDER, variant of type s
		[]byte{0}, []byte{7, 1, 's', 0}, le32(4), cstr(":1.5"),
		// 133: pad to 136, where the body starts
		[]byte{0, 0, 0},
		le32(1), // true
	)
}

// beInhibitReply is the big-endian reply to Inhibit: one descriptor (h).
func beInhibitReply() []byte {
	return cat(
		[]byte{'B', 2, 0, 1}, // big-endian, method return, no flags, version 1
		be32(4),              // body length
		be32(9),              // serial
		be32(40),             // header fields length, from offset 16 to 56
		// 16: REPLY_SERIAL, variant of type u
		[]byte{5, 1, 'u', 0}, be32(3),
		// 24: DESTINATION, variant of type s
		[]byte{6, 1, 's', 0}, be32(5), cstr(":1.42"),
		// 38: pad to 40, then SIGNATURE, variant of type g
		[]byte{0, 0}, []byte{8, 1, 'g', 0}, []byte{1, 'h', 0},
		// 47: pad to 48, then UNIX_FDS, variant of type u
		[]byte{0}, []byte{9, 1, 'u', 0}, be32(1),
		// 56: the body
		be32(0), // descriptor 0
	)
}

// beErrorReply is a big-endian ERROR with two header fields of codes no
// specification defines (10, of type t, and 11, of type y), which the
// decoder must skip.
func beErrorReply() []byte {
	return cat(
		[]byte{'B', 3, 0, 1}, // big-endian, error, no flags, version 1
		be32(9),              // body length
		be32(11),             // serial
		be32(69),             // header fields length, from offset 16 to 85
		// 16: field 10, variant of type t: padding to 24, then 8 bytes
		[]byte{10, 1, 't', 0}, []byte{0, 0, 0, 0}, be32(0), be32(42),
		// 32: ERROR_NAME, variant of type s
		[]byte{4, 1, 's', 0}, be32(22), cstr("org.example.Error.Nope"),
		// 63: pad to 64, then REPLY_SERIAL, variant of type u
		[]byte{0}, []byte{5, 1, 'u', 0}, be32(2),
		// 72: SIGNATURE, variant of type g
		[]byte{8, 1, 'g', 0}, []byte{1, 's', 0},
		// 79: pad to 80, then field 11, variant of type y
		[]byte{0}, []byte{11, 1, 'y', 0}, []byte{0x7f},
		// 85: pad to 88, where the body starts
		[]byte{0, 0, 0},
		be32(4), cstr("nope"), // the error's message
	)
}

func TestDecodeHandWrittenMessages(t *testing.T) {
	t.Run("little-endian signal", func(t *testing.T) {
		m, err := decodeMessage(leSleepSignal())
		if err != nil {
			t.Fatal(err)
		}
		want := message{Type: msgSignal, Serial: 7, Path: "/org/freedesktop/login1",
			Interface: "org.freedesktop.login1.Manager", Member: "PrepareForSleep", Signature: "b", Sender: ":1.5"}
		assertHeader(t, m, want)
		assertArgs(t, m, []any{true})
	})
	t.Run("big-endian reply with a descriptor", func(t *testing.T) {
		m, err := decodeMessage(beInhibitReply())
		if err != nil {
			t.Fatal(err)
		}
		want := message{Type: msgMethodReturn, Serial: 9, ReplySerial: 3, Destination: ":1.42",
			Signature: "h", UnixFDs: 1, BigEndian: true}
		assertHeader(t, m, want)
		assertArgs(t, m, []any{unixFDIndex(0)})
	})
	t.Run("big-endian error with unknown header fields", func(t *testing.T) {
		m, err := decodeMessage(beErrorReply())
		if err != nil {
			t.Fatal(err)
		}
		want := message{Type: msgError, Serial: 11, ErrorName: "org.example.Error.Nope", ReplySerial: 2,
			Signature: "s", BigEndian: true}
		assertHeader(t, m, want)
		assertArgs(t, m, []any{"nope"})
		if got := m.errorText(); got != "nope" {
			t.Errorf("errorText: got %q, want %q", got, "nope")
		}
	})
}

// assertHeader compares m, but for its body, with want.
func assertHeader(t *testing.T, m *message, want message) {
	t.Helper()
	got := *m
	got.Body, got.fds = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func assertArgs(t *testing.T, m *message, want []any) {
	t.Helper()
	got, err := m.args()
	if err != nil {
		t.Fatalf("args: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("args: got %#v, want %#v", got, want)
	}
}

// TestMessageRoundTrip encodes each message the connection sends, or
// receives in the tests, and decodes it again.
func TestMessageRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    message
		args []any
	}{
		{"Hello", message{Type: msgMethodCall, Serial: 1, Path: "/org/freedesktop/DBus",
			Interface: "org.freedesktop.DBus", Member: "Hello", Destination: "org.freedesktop.DBus"}, nil},
		{"AddMatch", message{Type: msgMethodCall, Serial: 2, Path: "/org/freedesktop/DBus",
			Interface: "org.freedesktop.DBus", Member: "AddMatch", Destination: "org.freedesktop.DBus",
			Signature: "s"}, []any{"type='signal'"}},
		{"Inhibit", message{Type: msgMethodCall, Serial: 3, Path: "/org/freedesktop/login1",
			Interface: "org.freedesktop.login1.Manager", Member: "Inhibit", Destination: "org.freedesktop.login1",
			Signature: "ssss"},
			[]any{"sleep", "dhclient", "release or pause DHCP leases before suspend", "delay"}},
		{"Ping reply", message{Type: msgMethodReturn, Serial: 4, ReplySerial: 9, Destination: ":1.7"}, nil},
		{"UnknownMethod", message{Type: msgError, Flags: flagNoReplyExpected, Serial: 5, ReplySerial: 10,
			ErrorName: "org.freedesktop.DBus.Error.UnknownMethod", Destination: ":1.7", Signature: "s"},
			[]any{"no method"}},
		{"signal", message{Type: msgSignal, Serial: 6, Path: "/org/freedesktop/login1",
			Interface: "org.freedesktop.login1.Manager", Member: "PrepareForSleep", Sender: ":1.5",
			Signature: "b"}, []any{false}},
		{"descriptor", message{Type: msgMethodReturn, Serial: 7, ReplySerial: 3, Signature: "hh", UnixFDs: 2},
			[]any{unixFDIndex(1), unixFDIndex(0)}},
		{"every supported type", message{Type: msgSignal, Serial: 8, Path: "/", Interface: "a.b", Member: "C",
			Signature: "ybuhsog", UnixFDs: 1},
			[]any{byte(7), true, uint32(1 << 31), unixFDIndex(0), "s", "/o/p", "a{sv}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire, err := appendMessage([]byte("prefix"), &tt.m, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(wire, []byte("prefix")) {
				t.Fatalf("appendMessage overwrote what it appends to: %q", wire)
			}
			m, err := decodeMessage(wire[len("prefix"):])
			if err != nil {
				t.Fatal(err)
			}
			assertHeader(t, m, tt.m)
			want := tt.args
			if want == nil {
				want = []any{}
			}
			assertArgs(t, m, want)
		})
	}
}

// TestDecodeRejects checks that each kind of malformed input is an error
// wrapping errMalformed, never a panic.
func TestDecodeRejects(t *testing.T) {
	valid := leSleepSignal()
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(valid)) }
	put := func(off int, v uint32) []byte {
		return edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b })
	}
	set := func(off int, c byte) []byte { return edit(func(b []byte) []byte { b[off] = c; return b }) }
	tests := []struct {
		name string
		wire []byte
	}{
		{"empty", nil},
		{"trailing byte", append(bytes.Clone(valid), 0)},
		{"unknown byte order", set(0, 'x')},
		{"protocol version 2", set(3, 2)},
		{"serial 0", put(8, 0)},
		{"message type 0", set(1, 0)},
		{"body length too long", put(4, 8)},
		{"body length too short", put(4, 0)},
		{"header fields length too long", put(12, 118)},
		{"header fields length ending inside a field", put(12, 116)},
		{"header fields beyond the specification", put(12, 1<<26+1)},
		{"oversized", append(put(4, maxMessageSize), make([]byte, maxMessageSize-4)...)},
		{"padding not NUL", set(87, 1)},
		{"padding before the body not NUL", set(134, 1)},
		{"string length beyond the header", put(20, 200)},
		{"string length past its NUL", put(20, 24)},
		{"string without NUL", set(47, 'x')},
		{"invalid object path", set(29, '/')},
		{"string not UTF-8", set(60, 0xff)},
		{"PATH of type s", set(18, 's')},
		{"MEMBER twice", set(112, 3)},
		{"header field 0", set(112, 0)},
		{"unknown field of a container type", edit(func(b []byte) []byte { b[120], b[122] = 20, 'v'; return b })},
		{"signal without MEMBER", set(88, 30)},
		{"body without signature", edit(func(b []byte) []byte { b[112] = 40; return b })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := decodeMessage(tt.wire)
			if err == nil {
				t.Fatalf("decoded %+v, want an error", m)
			}
			if !errors.Is(err, errMalformed) && !errors.Is(err, errUnsupportedSignature) {
				t.Errorf("got %v, want an error wrapping %v", err, errMalformed)
			}
		})
	}
	t.Run("every truncation", func(t *testing.T) {
		for n := range len(valid) {
			if m, err := decodeMessage(valid[:n]); err == nil {
				t.Fatalf("decoded the first %d bytes as %+v", n, m)
			}
		}
	})
}

func TestFrameLength(t *testing.T) {
	hdr := func(body, fields uint32) []byte {
		return cat([]byte{'l', 1, 0, 1}, le32(body), le32(1), le32(fields))
	}
	tests := []struct {
		name string
		hdr  []byte
		want int
		ok   bool
	}{
		{"no fields, no body", hdr(0, 0), 16, true},
		{"fields padded to 8", hdr(4, 1), 16 + 8 + 4, true},
		{"over our limit, within the specification's", hdr(1<<20, 8), 16 + 8 + 1<<20, true},
		{"over the specification's limit", hdr(1<<27, 0), 0, false},
		{"fields over the specification's limit", hdr(0, 1<<26+1), 0, false},
		{"short", hdr(0, 0)[:15], 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := frameLength(tt.hdr)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("got %d, %v; want %d, ok %v", got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestArgsRejects(t *testing.T) {
	body := func(sig string, unixFDs uint32, body []byte) *message {
		return &message{Signature: sig, UnixFDs: unixFDs, Body: body}
	}
	tests := []struct {
		name string
		m    *message
	}{
		{"boolean 2", body("b", 0, le32(2))},
		{"descriptor index beyond UNIX_FDS", body("h", 1, le32(1))},
		{"bytes after the arguments", body("u", 0, cat(le32(1), []byte{0}))},
		{"truncated", body("u", 0, []byte{1, 0})},
		{"misaligned", body("yu", 0, cat([]byte{1, 0, 0}, le32(1)))},
		{"container", body("as", 0, le32(0))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if args, err := tt.m.args(); err == nil {
				t.Fatalf("got %#v, want an error", args)
			}
		})
	}
}

func TestAppendMessageRejects(t *testing.T) {
	call := func(sig string) *message {
		return &message{Type: msgMethodCall, Serial: 1, Path: "/", Member: "M", Signature: sig}
	}
	tests := []struct {
		name string
		m    *message
		args []any
	}{
		{"too few arguments", call("ss"), []any{"a"}},
		{"wrong type", call("s"), []any{uint32(1)}},
		{"container", call("as"), []any{[]string{"a"}}},
		{"invalid signature", call("a"), []any{"a"}},
		{"NUL in a string", call("s"), []any{"a\x00b"}},
		{"invalid object path", call("o"), []any{"/a/"}},
		{"invalid PATH", &message{Type: msgMethodCall, Serial: 1, Path: "a", Member: "M"}, nil},
		{"descriptor without UNIX_FDS", call("h"), []any{unixFDIndex(0)}},
		{"oversized", call("s"), []any{strings.Repeat("x", maxMessageSize)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if b, err := appendMessage(nil, tt.m, tt.args...); err == nil {
				t.Fatalf("encoded %q, want an error", b)
			} else if len(b) != 0 {
				t.Errorf("left %d bytes behind after %v", len(b), err)
			}
		})
	}
}

func TestValidSignature(t *testing.T) {
	nested := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "y" + strings.Repeat(close, n)
	}
	tests := []struct {
		sig  string
		want bool
	}{
		{"", true},
		{"s", true},
		{"ybnqiuxtdsogvh", true},
		{"a{sv}", true},
		{"a(sa{sv})", true},
		{"(i(ii))aai", true},
		{nested("a", "", 32), true},
		{nested("(", ")", 32), true},
		{strings.Repeat("y", 255), true},
		{nested("a", "", 33), false},
		{nested("(", ")", 33), false},
		{strings.Repeat("y", 256), false},
		{"a", false},
		{"(", false},
		{"()", false},
		{"(i", false},
		{"i)", false},
		{"{sv}", false},
		{"a{vs}", false},
		{"a{s}", false},
		{"a{sss}", false},
		{"a{sv", false},
		{"z", false},
	}
	for _, tt := range tests {
		if got := validSignature(tt.sig); got != tt.want {
			t.Errorf("validSignature(%q) = %v, want %v", tt.sig, got, tt.want)
		}
	}
}

func TestValidObjectPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/org/freedesktop/login1", true},
		{"/a_B/9", true},
		{"", false},
		{"org", false},
		{"/a/", false},
		{"//", false},
		{"/a//b", false},
		{"/a-b", false},
		{"/a.b", false},
	}
	for _, tt := range tests {
		if got := validObjectPath(tt.path); got != tt.want {
			t.Errorf("validObjectPath(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
