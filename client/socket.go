package client

import (
	"net/netip"
	"slices"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// socket is an open Conn and the goroutine reading it into the runner.
type socket struct {
	Conn
	stop chan struct{} // closed by close, before the Conn
}

// listen starts reading c; datagrams go to rx until the socket is
// closed. Read errors other than the close are passed over: a packet
// socket reports a link that went down once (ENETDOWN) and then goes on
// receiving.
func (r *Runner) listen(c Conn) *socket {
	s := &socket{Conn: c, stop: make(chan struct{})}
	if err := r.pre.opened(c); err != nil {
		r.log.Warn("set the socket's xid filter", "err", err)
	}
	r.wg.Go(func() { r.read(s) })
	return s
}

// read passes the datagrams of s to the runner until s is closed. Its
// work is done in functions of their own, which keeps the frame a
// waiting reader holds small enough for the collector to halve its
// stack (Runner.next).
func (r *Runner) read(s *socket) {
	defer r.pre.closed(s.Conn)
	var ev statemachine.Event
	decode := func(b []byte, from netip.AddrPort) { ev = r.decode(b, from) }
	for {
		if err := s.Receive(decode); err != nil {
			if !r.pauseAfter(s, err) {
				return
			}
			continue
		}
		if ev != nil && !r.pass(s, ev) {
			return
		}
		ev = nil
	}
}

// pauseAfter logs a read error and waits a moment, so that a lasting
// error is no busy loop; false when s or the runner closed meanwhile.
func (r *Runner) pauseAfter(s *socket, err error) bool {
	select {
	case <-s.stop:
		return false
	case <-r.done:
		return false
	case <-time.After(100 * time.Millisecond):
	}
	r.log.Debug("receive", "err", err)
	return true
}

// decode checks and decodes a datagram into the machine's event; nil
// for one dropped, which is counted. It decodes from the Conn's buffer:
// the message keeps its own copy, and one that does not decode costs no
// more.
func (r *Runner) decode(b []byte, from netip.AddrPort) statemachine.Event {
	if class, why := r.pre.check(b); why != "" {
		r.countDrop(class, why)
		return nil
	}
	msg, err := dhcp4.Parse(b)
	if err != nil {
		r.countUndecodable(err)
		return nil
	}
	var raw []byte
	if msg.Type() == dhcp4.ForceRenew {
		raw = slices.Clone(b)
	}
	return statemachine.Received{Msg: msg, From: from.Addr(), Raw: raw}
}

// pass hands ev to the runner; false when s or the runner closed first.
func (r *Runner) pass(s *socket, ev statemachine.Event) bool {
	select {
	case r.rx <- ev:
		return true
	case <-s.stop:
		return false
	case <-r.done:
		return false
	}
}

// close stops the reader and closes the Conn; a nil socket is a no-op.
func (s *socket) close() {
	if s == nil {
		return
	}
	close(s.stop)
	s.Conn.Close()
}
