package client

import "time"

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
	r.wg.Go(func() {
		for {
			b := make([]byte, 1500)
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
			select {
			case r.rx <- packet{b: b[:n], from: from}:
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
