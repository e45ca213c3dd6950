package dbus

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDBusMessage checks that decoding never panics, that frameLength
// agrees with what decodes, and that whatever decodes, with arguments of
// the supported types, survives an encode/decode round trip unchanged,
// whose second encoding gives the same bytes.
func FuzzDBusMessage(f *testing.F) {
	f.Fuzz(func(t *testing.T, wire []byte) {
		total, ferr := frameLength(wire)
		m, err := decodeMessage(wire)
		if err != nil {
			return
		}
		if ferr != nil || total != len(wire) {
			t.Fatalf("decoded a message of %d bytes whose frame length is %d, %v", len(wire), total, ferr)
		}
		m.errorText()
		args, err := m.args()
		if err != nil {
			return
		}
		again, err := appendMessage(nil, m, args...)
		if errors.Is(err, errMessageTooLarge) && len(wire) > maxMessageSize-8 {
			return // the canonical field order can take up to 8 bytes more
		}
		if err != nil {
			t.Fatalf("encode %+v %#v: %v", m, args, err)
		}
		m2, err := decodeMessage(again)
		if err != nil {
			t.Fatalf("decode the encoding of %+v: %v", m, err)
		}
		want := *m
		want.Body, want.BigEndian = nil, false
		assertHeader(t, m2, want)
		assertArgs(t, m2, args)
		if third, err := appendMessage(nil, m2, args...); err != nil || !bytes.Equal(third, again) {
			t.Fatalf("second encoding differs: %q, %v; first %q", third, err, again)
		}
	})
}
