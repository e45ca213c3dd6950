package client

import (
	"net/netip"
	"slices"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// maxDatagram bounds the DHCP payload read from a socket: the largest
// message on an Ethernet link (1500 less the IPv4 and UDP headers) and
// more than the 576 bytes a server sends unless asked (RFC 2131 §2).
const maxDatagram = 1500

// Pusher is a Conn whose datagrams are handed over rather than read: a
// reader shared by every interface of the daemon (platform.Receiver)
// calls deliver with each, so that the interface needs no goroutine of
// its own parked in a read (issue 14). deliver runs on that reader's
// goroutine and must not block; b is valid only during the call. stop
// ends the deliveries, waiting for one under way.
type Pusher interface {
	Push(deliver func(b []byte, from netip.AddrPort)) (stop func(), err error)
}

// socket is an open Conn and what reads it into the runner: its own
// goroutine, or the shared reader of a Pusher.
type socket struct {
	Conn
	stop   chan struct{} // closed by close, before the Conn
	unpush func()        // ends a Pusher's deliveries; nil for a read Conn
}

// listen starts receiving from c into rx: through Push when c is a
// Pusher (its datagrams are dropped and counted as overrun while rx is
// full), else on a goroutine that reads c until the socket is closed.
func (r *Runner) listen(c Conn) *socket {
	s := &socket{Conn: c, stop: make(chan struct{})}
	if err := r.pre.opened(c); err != nil {
		r.log.Warn("set the socket's xid filter", "err", err)
	}
	if p, ok := c.(Pusher); ok {
		stop, err := p.Push(r.push)
		if err == nil {
			s.unpush = func() {
				stop()
				r.pre.closed(c)
			}
			return s
		}
		r.log.Warn("shared receiver", "err", err) // read on a goroutine instead
	}
	r.wg.Go(func() {
		defer r.pre.closed(c)
		r.read(s)
	})
	return s
}

// push takes a datagram from a Pusher's shared reader.
func (r *Runner) push(b []byte, from netip.AddrPort) {
	p, ok := r.accept(b, from)
	if !ok {
		return
	}
	select {
	case r.rx <- p:
	default:
		r.countDrop(statemachine.DropOverrun, "receive queue full")
	}
}

// read reads s's Conn until the socket is closed. Read errors other
// than the close are passed over: a packet socket reports a link that
// went down once (ENETDOWN) and then goes on receiving.
func (r *Runner) read(s *socket) {
	// One read buffer, reused for every datagram.
	b := make([]byte, maxDatagram)
	for {
		n, from, err := s.ReadFrom(b)
		if err != nil {
			select {
			case <-s.stop:
				return
			case <-r.done:
				return
			case <-time.After(100 * time.Millisecond): // no busy loop on a lasting error
			}
			r.log.Debug("receive", "err", err)
			continue
		}
		p, ok := r.accept(b[:n], from)
		if !ok {
			continue
		}
		select {
		case r.rx <- p:
		case <-s.stop:
			return
		case <-r.done:
			return
		}
	}
}

// accept turns a datagram into a packet for the runner, or drops and
// counts it: what the prefilter sheds, and what does not decode. It is
// decoded from b: the message keeps its own copy, and one that does not
// decode costs no more.
func (r *Runner) accept(b []byte, from netip.AddrPort) (packet, bool) {
	if class, why := r.pre.check(b); why != "" {
		r.countDrop(class, why)
		return packet{}, false
	}
	msg, err := dhcp4.Parse(b)
	if err != nil {
		r.countUndecodable(err)
		return packet{}, false
	}
	var raw []byte
	if msg.Type() == dhcp4.ForceRenew {
		raw = slices.Clone(b)
	}
	return packet{msg: msg, raw: raw, from: from}, true
}

// close stops the reader and closes the Conn; a nil socket is a no-op.
func (s *socket) close() {
	if s == nil {
		return
	}
	if s.unpush != nil {
		s.unpush()
	}
	close(s.stop)
	s.Conn.Close()
}
