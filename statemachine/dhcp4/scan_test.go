package dhcp4

import (
	"errors"
	"testing"
)

// Peek tells the type and the refusal of Parse without allocating, for
// messages that decode and for each way a message does not; Parse
// allocates nothing but its error for one it refuses (issue 12: a flood
// of malformed packets costs the reader no garbage that grows with it).
func TestPeekAllocatesNothing(t *testing.T) {
	ack, err := readHexDump("testdata/dnsmasq-ack-overload.hex")
	if err != nil {
		t.Fatal(err)
	}
	overrun := append([]byte(nil), ack[:headerLen]...)
	overrun = append(overrun, OptMessageType, 1, byte(Ack), OptHostName, 200, 'x')
	badCookie := append([]byte(nil), ack...)
	badCookie[fixedLen] ^= 0xff
	for _, tc := range []struct {
		name     string
		b        []byte
		wantType MessageType
		wantErr  error
	}{
		{"overloaded ACK", ack, Ack, nil},
		{"short header", ack[:100], 0, ErrTruncated},
		{"bad cookie", badCookie, 0, ErrBadCookie},
		{"option overruns", overrun, 0, ErrTruncated},
		{"64 KiB", make([]byte, maxWireLen+1), 0, ErrTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, err := Peek(tc.b)
			if typ != tc.wantType || !errors.Is(err, tc.wantErr) {
				t.Fatalf("Peek = %v, %v; want %v, %v", typ, err, tc.wantType, tc.wantErr)
			}
			if n := testing.AllocsPerRun(100, func() { _, _ = Peek(tc.b) }); n != 0 {
				t.Errorf("Peek allocates %v times, want none", n)
			}
			if tc.wantErr == nil {
				return
			}
			if n := testing.AllocsPerRun(100, func() { _, _ = Parse(tc.b) }); n != 1 {
				t.Errorf("Parse of a refused message allocates %v times, want 1 (its error)", n)
			}
		})
	}
}
