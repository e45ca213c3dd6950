package client

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// fakeConn is a Conn that records the xids its filter was given and
// reports a count of dropped frames.
type fakeConn struct {
	xids    []uint32
	dropped uint64
}

func (c *fakeConn) Receive(func([]byte, netip.AddrPort)) error { select {} }
func (c *fakeConn) WriteTo([]byte, netip.AddrPort) error       { return nil }
func (c *fakeConn) Close() error                               { return nil }
func (c *fakeConn) MatchXID(xid uint32) error                  { c.xids = append(c.xids, xid); return nil }
func (c *fakeConn) MatchAnyXID() error                         { c.xids = append(c.xids, 0); return nil }
func (c *fakeConn) Dropped() uint64                            { return c.dropped }

// plainConn has neither a kernel filter nor frame counts.
type plainConn struct{}

func (plainConn) Receive(func([]byte, netip.AddrPort)) error { select {} }
func (plainConn) WriteTo([]byte, netip.AddrPort) error       { return nil }
func (plainConn) Close() error                               { return nil }

func bootReply(xid uint32, n int) []byte {
	b := make([]byte, n)
	b[0] = byte(dhcp4.BootReply)
	binary.BigEndian.PutUint32(b[bootpXIDOff:], xid)
	if n >= bootpMinLen {
		copy(b[bootpFixedLen:], dhcp4.MagicCookie[:])
	}
	return b
}

// typed puts option 53 with typ at the start of b's options field.
func typed(b []byte, typ dhcp4.MessageType) []byte {
	copy(b[bootpMinLen:], []byte{dhcp4.OptMessageType, 1, byte(typ), dhcp4.OptEnd})
	return b
}

func TestPrefilterCheck(t *testing.T) {
	var p prefilter
	tests := []struct {
		name  string
		b     []byte
		class statemachine.DropClass
		why   string
	}{
		{"a reply before any send", bootReply(7, 300), statemachine.DropNotOurs, "another xid, no exchange open"},
		{"empty", nil, statemachine.DropMalformed, "shorter than a BOOTP header"},
		{"cut short before the cookie", bootReply(7, bootpMinLen-1), statemachine.DropMalformed, "shorter than a BOOTP header"},
		{"a request", func() []byte { b := bootReply(7, 300); b[0] = byte(dhcp4.BootRequest); return b }(), statemachine.DropNotOurs, "not a BOOTREPLY"},
		{"bad cookie", func() []byte { b := bootReply(7, 300); b[bootpFixedLen+3]++; return b }(), statemachine.DropMalformed, "no DHCP magic cookie"},
		{"an option overruns", func() []byte { b := bootReply(7, 300); b[bootpMinLen], b[bootpMinLen+1] = 12, 200; return b }(), statemachine.DropMalformed, "truncated"},
	}
	for _, tt := range tests {
		if class, why := p.check(tt.b); class != tt.class || why != tt.why {
			t.Errorf("%s: check = %v %q, want %v %q", tt.name, class, why, tt.class, tt.why)
		}
	}
	c := &fakeConn{}
	if err := p.sending(0x1234, c); err != nil {
		t.Fatal(err)
	}
	if class, why := p.check(bootReply(0x1235, 300)); class != statemachine.DropNotOurs || why != "wrong xid" {
		t.Errorf("another xid: check = %v %q, want not-ours wrong xid", class, why)
	}
	if _, why := p.check(bootReply(0x1234, 300)); why != "" {
		t.Errorf("the xid sent: dropped (%s)", why)
	}
	if len(c.xids) != 1 || c.xids[0] != 0x1234 {
		t.Errorf("kernel filter given %x, want [1234]", c.xids)
	}
}

// A conn opened after a send gets the xid in force; the frames conns
// dropped are counted, closed ones included.
func TestPrefilterConns(t *testing.T) {
	var p prefilter
	first := &fakeConn{dropped: 2}
	if err := p.opened(first); err != nil {
		t.Fatal(err)
	}
	if len(first.xids) != 0 {
		t.Errorf("filter given %x before any send", first.xids)
	}
	if err := p.sending(9, first); err != nil {
		t.Fatal(err)
	}
	second := &fakeConn{dropped: 3}
	if err := p.opened(second); err != nil {
		t.Fatal(err)
	}
	if len(second.xids) != 1 || second.xids[0] != 9 {
		t.Errorf("a conn opened after the send got %x, want [9]", second.xids)
	}
	if err := p.opened(plainConn{}); err != nil {
		t.Fatal(err)
	}
	if got := p.framesDropped(); got != 5 {
		t.Errorf("frames dropped: %d, want 5", got)
	}
	p.closed(first)
	first.dropped = 100 // a closed conn's count is kept as it was
	if got := p.framesDropped(); got != 5 {
		t.Errorf("frames dropped after a close: %d, want 5", got)
	}
}

// Once bound, no exchange is open: the xid match is lifted (a
// DHCPFORCERENEW carries the server's xid) until the next send.
func TestPrefilterIdleLiftsXID(t *testing.T) {
	var p prefilter
	c := &fakeConn{}
	if err := p.sending(0x1234, c); err != nil {
		t.Fatal(err)
	}
	if err := p.idle(c); err != nil {
		t.Fatal(err)
	}
	if _, why := p.check(typed(bootReply(0x9999, 300), dhcp4.ForceRenew)); why != "" {
		t.Errorf("idle: a DHCPFORCERENEW with the server's xid dropped (%s)", why)
	}
	if class, why := p.check(typed(bootReply(0x9999, 300), dhcp4.Ack)); class != statemachine.DropNotOurs || why != "another xid, no exchange open" {
		t.Errorf("idle: a DHCPACK with another xid: check = %v %q, want not-ours", class, why)
	}
	if class, why := p.check(typed(bootReply(0x1234, 300), dhcp4.Nak)); class != statemachine.DropUnexpected || why != "no exchange open" {
		t.Errorf("idle: a DHCPNAK with the last exchange's xid: check = %v %q, want unexpected", class, why)
	}
	if err := p.idle(c); err != nil {
		t.Fatal(err)
	}
	if err := p.sending(0x4321, c); err != nil {
		t.Fatal(err)
	}
	if _, why := p.check(bootReply(0x9999, 300)); why != "wrong xid" {
		t.Errorf("after the next send: another xid not dropped (%q)", why)
	}
	// The kernel filter: narrowed, lifted once (the second idle is a
	// no-op), narrowed again.
	if want := []uint32{0x1234, 0, 0x4321}; len(c.xids) != 3 || c.xids[0] != want[0] || c.xids[1] != want[1] || c.xids[2] != want[2] {
		t.Errorf("kernel filter calls %x, want %x", c.xids, want)
	}
}
