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
	stop chan struct{} // closed by close or quiet, before the Conn
	done chan struct{} // closed once the reader has ended
}

// The packet socket listens while the machine can want a message
// (Machine.Listening): from the start to BOUND, and from the next send
// on. A bound interface with forcerenew off wants none, so its reader
// ends and its socket passes nothing (quiet, socket_quiet.go): no
// datagram wakes the daemon, and the interface holds no goroutine but
// its runner (SPEC §4: the packet socket while unconfigured, the UDP
// socket once bound). The send that opens the next exchange (the
// renewal at T1, a DHCPDECLINE, an INIT-REBOOT after the link came
// back) has it listen again before the message goes out, so no reply
// can come before it.

// packetConn returns the packet socket's Conn, listening again on a
// quiet socket or opening one when there is none.
func (r *Runner) packetConn() (Conn, error) {
	if r.bcast == nil && r.quieted != nil {
		if err := r.unquiet(); err != nil {
			r.log.Warn("listen again on the receive socket", "err", err)
		}
	}
	if r.bcast == nil {
		c, err := r.cfg.Link.OpenBroadcast()
		if err != nil {
			return nil, err
		}
		r.bcast = r.listen(c)
	}
	return r.bcast.Conn, nil
}

// fitSocket, after a step that left the machine BOUND, quiets the packet
// socket when the machine wants no message, and otherwise keeps it
// listening without the xid match of the exchange that ended, since a
// DHCPFORCERENEW carries the server's own xid (RFC 3203). The next send
// narrows the filter again.
func (r *Runner) fitSocket() {
	if r.m.State() != statemachine.StateBound {
		return
	}
	if !r.m.Listening() {
		r.pre.idle(nil)
		r.quiet()
		return
	}
	c, err := r.packetConn()
	if err == nil {
		err = r.pre.idle(c)
	}
	if err != nil {
		r.log.Warn("listen for DHCPFORCERENEW", "err", err)
	}
}

// listen starts reading c; datagrams go to rx until the socket is
// closed. Read errors other than the close are passed over: a packet
// socket reports a link that went down once (ENETDOWN) and then goes on
// receiving.
func (r *Runner) listen(c Conn) *socket {
	s := &socket{Conn: c, stop: make(chan struct{}), done: make(chan struct{})}
	if err := r.pre.opened(c); err != nil {
		r.log.Warn("set the socket's xid filter", "err", err)
	}
	r.wg.Go(func() {
		defer close(s.done)
		r.read(s)
	})
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
