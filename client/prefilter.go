package client

import (
	"context"
	"encoding/binary"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// XIDMatcher is a Conn whose kernel filter can also match the
// transaction ID of the exchange open (platform.RawConn: a BPF program
// as systemd-networkd's). The runner calls MatchXID with the xid of each
// message it sends, before sending it, so that replies to older
// exchanges and forged packets with other xids never wake it (SPEC §10,
// §11).
type XIDMatcher interface {
	MatchXID(xid uint32) error
	// MatchAnyXID lifts the xid match when no exchange is open.
	MatchAnyXID() error
}

// FrameDropper is a Conn that drops malformed frames itself (bad IPv4 or
// UDP headers, checksums, frames cut short) and counts them: status
// shows them as malformed.
type FrameDropper interface {
	Dropped() uint64
}

// BOOTP header layout (RFC 951, RFC 2131 §2): what prefilter reads.
const (
	bootpXIDOff   = 4
	bootpFixedLen = 236 // op .. file; the magic cookie follows
	bootpMinLen   = bootpFixedLen + 4
)

// prefilter sheds, in the reader goroutine and before anything is
// copied or decoded, the datagrams that cannot be a reply in the open
// exchange: shorter than a BOOTP header with its cookie, not a
// BOOTREPLY, no DHCP cookie, another xid. The state machine would drop
// each of them with the same class; here they cost no allocation, so a
// flood costs only the reads (issue 12). The xid is that of the last
// message sent, which is the machine's: it takes a new one only to send.
type prefilter struct {
	xid    atomic.Uint32
	hasXID atomic.Bool

	mu      sync.Mutex // guards the frame counters
	framers []FrameDropper
	retired uint64 // frames dropped by conns now closed
}

// sending records the xid of a message about to go out and narrows the
// kernel filter of c to it.
func (p *prefilter) sending(xid uint32, c Conn) error {
	p.xid.Store(xid)
	p.hasXID.Store(true)
	if m, ok := c.(XIDMatcher); ok {
		return m.MatchXID(xid)
	}
	return nil
}

// idle lifts the xid match once no exchange is open (BOUND): the replies
// the runner still wants then, a DHCPFORCERENEW (RFC 3203), carry the
// server's own xid. The next send narrows the filter again.
func (p *prefilter) idle(c Conn) error {
	if !p.hasXID.Swap(false) {
		return nil
	}
	if m, ok := c.(XIDMatcher); ok {
		return m.MatchAnyXID()
	}
	return nil
}

// opened applies the xid in force, if any, to a new conn and starts
// counting its malformed frames.
func (p *prefilter) opened(c Conn) error {
	if f, ok := c.(FrameDropper); ok {
		p.mu.Lock()
		p.framers = append(p.framers, f)
		p.mu.Unlock()
	}
	if m, ok := c.(XIDMatcher); ok && p.hasXID.Load() {
		return m.MatchXID(p.xid.Load())
	}
	return nil
}

// closed keeps the count of a conn that is closed.
func (p *prefilter) closed(c Conn) {
	f, ok := c.(FrameDropper)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, g := range p.framers {
		if g == f {
			p.retired += f.Dropped()
			p.framers = append(p.framers[:i], p.framers[i+1:]...)
			return
		}
	}
}

// framesDropped is how many malformed frames the conns dropped.
func (p *prefilter) framesDropped() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.retired
	for _, f := range p.framers {
		n += f.Dropped()
	}
	return n
}

// check returns why b cannot be a reply in the open exchange, or "".
// Beyond the header it reads b once with dhcp4.Peek, which allocates
// nothing: a message that would not decode is malformed, and while no
// exchange is open (BOUND, where RFC 2131 figure 5 discards OFFER, ACK
// and NAK) only a DHCPFORCERENEW, which carries the server's xid (RFC
// 3203), can be wanted: another is not ours when its xid is another
// exchange's, else unexpected. The machine would drop each of these with
// the same class, after a copy and a decode.
func (p *prefilter) check(b []byte) (statemachine.DropClass, string) {
	switch {
	case len(b) < bootpMinLen:
		return statemachine.DropMalformed, "shorter than a BOOTP header"
	case dhcp4.OpCode(b[0]) != dhcp4.BootReply:
		return statemachine.DropNotOurs, "not a BOOTREPLY"
	case [4]byte(b[bootpFixedLen:bootpMinLen]) != dhcp4.MagicCookie:
		return statemachine.DropMalformed, "no DHCP magic cookie"
	}
	xid, open := binary.BigEndian.Uint32(b[bootpXIDOff:]), p.hasXID.Load()
	if open && xid != p.xid.Load() {
		return statemachine.DropNotOurs, "wrong xid"
	}
	typ, err := dhcp4.Peek(b)
	switch {
	case err != nil:
		return statemachine.DropMalformed, err.Error()
	case open || typ == dhcp4.ForceRenew:
	case xid != p.xid.Load():
		return statemachine.DropNotOurs, "another xid, no exchange open"
	default:
		return statemachine.DropUnexpected, "no exchange open"
	}
	return 0, ""
}

// countUndecodable counts a datagram that did not decode as malformed.
// Its error is logged as a value, formatted only when debug logging is
// on, so that under a flood it costs no string.
func (r *Runner) countUndecodable(err error) {
	r.mu.Lock()
	r.status.Dropped[statemachine.DropMalformed]++
	r.mu.Unlock()
	if r.log.Enabled(context.Background(), slog.LevelDebug) {
		r.log.Debug("dropped packet", "class", statemachine.DropMalformed, "reason", err)
	}
}
