package client

import "time"

// Muter is a Conn whose kernel filter can pass nothing for a while
// (platform.RawConn): MatchAnyXID or MatchXID undoes Mute, and a read
// deadline in the past wakes its reader. Quieting a socket this way is
// cheaper than closing it: the close of a packet socket waits in the
// kernel for an RCU grace period (packet_release, 16 ms here), and the
// Go runtime starts a thread for the other goroutines meanwhile, up to
// dozens, each kept for good, when many interfaces bind at once.
type Muter interface {
	XIDMatcher
	Mute() error
	SetReadDeadline(time.Time) error
}

// quiet ends the packet socket's reader and mutes the socket, which the
// runner keeps in quieted for unquiet; a Conn that is no Muter is
// closed.
func (r *Runner) quiet() {
	s := r.bcast
	if s == nil {
		return
	}
	r.bcast = nil
	m, ok := s.Conn.(Muter)
	if !ok {
		s.close()
		return
	}
	close(s.stop)
	err := m.Mute()
	if err == nil {
		err = m.SetReadDeadline(time.Now()) // the reader wakes, and sees stop
	}
	if err != nil {
		r.log.Warn("mute receive socket", "err", err)
		s.Conn.Close()
		return
	}
	r.quieted = s
}

// unquiet has the quieted socket listen again with a reader of its own;
// the socket is closed when it cannot.
func (r *Runner) unquiet() error {
	s := r.quieted
	r.quieted = nil
	// Its read deadline has passed: the reader has ended or is ending,
	// and must not take a packet from the next one.
	<-s.done
	m := s.Conn.(Muter)
	err := m.SetReadDeadline(time.Time{})
	if err == nil {
		err = m.MatchAnyXID()
	}
	if err != nil {
		s.Conn.Close()
		return err
	}
	r.bcast = r.listen(s.Conn)
	return nil
}

// Relinker is a Conn that can serve its link again once the carrier is
// back, unless the interface was removed or replaced
// (platform.RawConn.Relink). A link whose carrier only went and came
// back keeps its socket: a thousand links coming back at once would
// otherwise close a thousand, each close a thread of the runtime's for
// 16 ms (Muter).
type Relinker interface {
	Relink() (bool, error)
}

// keepSocket reports whether the packet socket, listening or quiet, can
// serve its link as it comes back (Relinker), with the error the loss
// of carrier left on it cleared; false when there is none, or its link
// is gone or new, or its Conn cannot tell.
func (r *Runner) keepSocket() bool {
	s := r.bcast
	if s == nil {
		s = r.quieted
	}
	if s == nil {
		return false
	}
	rl, ok := s.Conn.(Relinker)
	if !ok {
		return false
	}
	kept, err := rl.Relink()
	if err != nil {
		r.log.Debug("check the receive socket's link", "err", err)
	}
	return kept
}

// dropQuieted closes the quieted socket, if any.
func (r *Runner) dropQuieted() {
	if r.quieted != nil {
		r.quieted.Conn.Close()
		r.quieted = nil
	}
}
