package control

import (
	"context"
	"fmt"
	"slices"
)

// watch streams events to c until the client sends anything or goes away,
// a write times out, or ctx ends (SPEC §8).
func (s *Server) watch(ctx context.Context, c *conn, b Backend, req Request) {
	if req.Interface != "" {
		known := slices.ContainsFunc(b.Status(), func(st InterfaceStatus) bool { return st.Name == req.Interface })
		if !known {
			c.write(Reply{Error: fmt.Sprintf("%s %s", ErrUnknownInterface, req.Interface)}, s.writeTimeout)
			return
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Subscribe before the reply: a client that acts once it has read it
	// sees every event that follows.
	events := b.Watch(ctx)
	if c.write(Reply{OK: true}, s.writeTimeout) != nil {
		return
	}
	// A watcher sends nothing more; its next byte, end of input, or a
	// server shutdown (which interrupts the read) ends the stream.
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c.armRead(0) {
			var buf [1]byte
			c.r.Read(buf[:])
		}
		cancel()
	}()
	defer func() { c.close(); <-done }()

	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if req.Interface != "" && ev.Interface != req.Interface {
				continue
			}
			if c.write(ev, s.writeTimeout) != nil {
				return
			}
		}
	}
}
