package client

import (
	"slices"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// maxDatagram bounds the DHCP payload read from a socket: the largest
// message on an Ethernet link (1500 less the IPv4 and UDP headers) and
// more than the 576 bytes a server sends unless asked (RFC 2131 §2).
const maxDatagram = 1500

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
	r.wg.Go(func() {
		defer r.pre.closed(c)
		// One read buffer, reused for every datagram.
		b := make([]byte, maxDatagram)
		for {
			n, from, err := c.ReadFrom(b)
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
			if class, why := r.pre.check(b[:n]); why != "" {
				r.countDrop(class, why)
				continue
			}
			// Decoded here, from the read buffer: the message keeps its
			// own copy, and one that does not decode costs no more.
			msg, err := dhcp4.Parse(b[:n])
			if err != nil {
				r.countUndecodable(err)
				continue
			}
			var raw []byte
			if msg.Type() == dhcp4.ForceRenew {
				raw = slices.Clone(b[:n])
			}
			select {
			case r.rx <- packet{msg: msg, raw: raw, from: from}:
			case <-s.stop:
				return
			case <-r.done:
				return
			}
		}
	})
	return s
}

// close stops the reader and closes the Conn; a nil socket is a no-op.
func (s *socket) close() {
	if s == nil {
		return
	}
	close(s.stop)
	s.Conn.Close()
}
