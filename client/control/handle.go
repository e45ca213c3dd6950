package control

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ErrPermission is wrapped by the error of a verb the peer may not use.
var ErrPermission = errors.New("permission denied")

// ErrUnknownInterface is for Backends to wrap when a request names an
// interface the daemon does not run, first in the message so that
// RemoteError.Is finds it: fmt.Errorf("%w %s", ErrUnknownInterface, name).
var ErrUnknownInterface = errors.New("unknown interface")

// handle answers the requests of one connection until it ends. A
// connection is idle, and so may be evicted, from the moment its reply is
// on its way until its next request arrives: its client already has what
// it asked for.
func (s *Server) handle(ctx context.Context, c *conn, b Backend, uid int, credErr error) {
	defer c.close()
	for {
		if !c.armRead(s.readTimeout) {
			s.farewell(c, "")
			return
		}
		line, err := c.readRequest()
		c.setIdle(false)
		if err != nil && !errors.Is(err, errTooLong) {
			s.farewell(c, readFailure(err, len(line) > 0))
			s.logger().Debug("control read", "err", err)
			return
		}
		req, err := s.admit(line, err, uid, credErr)
		var rep Reply
		switch {
		case err != nil:
			rep = Reply{Error: err.Error()}
		case req.Verb == VerbWatch:
			s.watch(ctx, c, b, req)
			return
		default:
			rep = s.dispatch(b, req)
		}
		c.setIdle(true)
		if c.write(rep, s.writeTimeout) != nil {
			return
		}
	}
}

// evictedReply is the last reply of a connection evicted for a
// privileged peer (see pool).
const evictedReply = "too many connections: idle connection closed to make room for root"

// farewell sends a connection that ends its last reply: why it was
// evicted, else msg. A connection ended by shutdown, or by a client that
// went away (msg ""), gets none.
func (s *Server) farewell(c *conn, msg string) {
	switch {
	case c.wasEvicted():
		msg = evictedReply
	case c.stopping():
		msg = ""
	}
	if msg != "" {
		c.write(Reply{Error: msg}, s.writeTimeout)
	}
}

// admit decodes a request line (or takes readErr, an oversized line) and
// checks that the peer may use its verb.
func (s *Server) admit(line []byte, readErr error, uid int, credErr error) (Request, error) {
	if readErr != nil {
		return Request{}, readErr
	}
	req, err := DecodeRequest(line)
	if err != nil {
		return Request{}, err
	}
	return req, s.authorize(uid, credErr, req.Verb)
}

// authorize applies SPEC §8: uid 0 and the daemon's uid may use every
// verb; other users only the read-only ones, and only with PublicRead.
func (s *Server) authorize(uid int, credErr error, v Verb) error {
	if v.ReadOnly() && s.PublicRead {
		return nil
	}
	if credErr != nil {
		return fmt.Errorf("%w: %w", ErrPermission, credErr)
	}
	if uid == 0 || uid == s.uid {
		return nil
	}
	if v.ReadOnly() {
		return fmt.Errorf("%w: uid %d may not read the daemon's state (only root or uid %d)", ErrPermission, uid, s.uid)
	}
	return fmt.Errorf("%w: %s changes state and needs root or uid %d, not uid %d", ErrPermission, v, s.uid, uid)
}

// dispatch answers every verb but watch.
func (s *Server) dispatch(b Backend, req Request) Reply {
	var err error
	switch req.Verb {
	case VerbStatus:
		st, err := s.status(b, req.Interface)
		if err != nil {
			return Reply{Error: err.Error()}
		}
		return Reply{OK: true, Interfaces: st}
	case VerbGetPacket:
		m, err := b.Packet(req.Interface)
		if err == nil && m == nil {
			err = fmt.Errorf("%s: no DHCPACK received yet", req.Interface)
		}
		if err != nil {
			return Reply{Error: err.Error()}
		}
		return Reply{OK: true, Packet: NewPacket(m, s.Catalogue)}
	case VerbGetOption:
		v, err := b.Option(req.Interface, req.Option)
		if err != nil {
			return Reply{Error: err.Error()}
		}
		return Reply{OK: true, Value: v}
	case VerbShutdown:
		err = b.Shutdown()
	default:
		err = b.Act(string(req.Verb), req.Interface)
	}
	if err != nil {
		return Reply{Error: err.Error()}
	}
	return Reply{OK: true}
}

// status returns the backend's interfaces, only iface when it is not "",
// with SecondsLeft computed now.
func (s *Server) status(b Backend, iface string) ([]InterfaceStatus, error) {
	all := b.Status()
	if iface != "" {
		i := slices.IndexFunc(all, func(st InterfaceStatus) bool { return st.Name == iface })
		if i < 0 {
			return nil, fmt.Errorf("%w %s", ErrUnknownInterface, iface)
		}
		all = all[i : i+1]
	}
	now := s.now()
	out := make([]InterfaceStatus, len(all))
	for i, st := range all {
		st.SecondsLeft = 0
		if !st.Expiry.IsZero() && st.Expiry.After(now) {
			st.SecondsLeft = int64(st.Expiry.Sub(now).Seconds())
		}
		out[i] = st
	}
	return out, nil
}
