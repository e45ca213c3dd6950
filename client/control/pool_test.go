package control

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// peers lets a test choose the uid of each next connection.
type peers struct {
	mu  sync.Mutex
	uid int
}

func (p *peers) next(uid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uid = uid
}

func (p *peers) lookup(*net.UnixConn) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.uid, nil
}

// served connects as uid and asks for the status: "" when served, else
// the error. The connection stays open.
func (h *harness) served(p *peers, uid int) (*rawConn, string) {
	h.t.Helper()
	p.next(uid)
	rc := h.raw()
	// A refused connection may be closed before the request is written:
	// its reply is waiting all the same.
	rc.c.Write([]byte(`{"verb":"status"}` + "\n"))
	if rep := rc.reply(); !rep.OK {
		return rc, rep.Error
	}
	return rc, ""
}

func TestUnprivilegedPeersLeaveRoomForRoot(t *testing.T) {
	p := &peers{}
	h := serve(t, func(s *Server) {
		s.PublicRead, s.peer = true, p.lookup
		s.maxConns, s.maxPerPeer, s.reserve, s.evictAfter = 4, 1, 2, time.Hour
	})
	steps := []struct {
		uid  int
		want string
	}{
		{4242, ""},
		{4242, "too many connections from this user"},
		{4243, ""},
		{4244, "too many connections"}, // the other two slots are root's
		{0, ""},
		{0, ""},
		{0, "too many connections"}, // nobody idle long enough to evict
	}
	for i, st := range steps {
		if _, got := h.served(p, st.uid); got != st.want {
			t.Errorf("step %d, uid %d: got %q, want %q", i, st.uid, got, st.want)
		}
	}
}

func TestRootEvictsTheLongestIdleConnection(t *testing.T) {
	p := &peers{}
	h := serve(t, func(s *Server) {
		s.peer = p.lookup
		s.maxConns, s.evictAfter = 2, 0
	})
	first, _ := h.served(p, 0)
	second, _ := h.served(p, 0)
	if _, err := h.served(p, 0); err != "" {
		t.Fatalf("root refused: %s", err)
	}
	if rep := first.reply(); rep.Error != evictedReply {
		t.Errorf("evicted connection got %+v, want %q", rep, evictedReply)
	}
	first.closed()
	second.send(`{"verb":"status"}` + "\n")
	if rep := second.reply(); !rep.OK {
		t.Errorf("the younger connection was not kept: %+v", rep)
	}
}

// TestBlankLinesDoNotKeepConnectionOpen: blank lines are no activity, so
// a client sending only them is dropped after the read timeout like any
// idle one, instead of holding its slot for ever.
func TestBlankLinesDoNotKeepConnectionOpen(t *testing.T) {
	h := serve(t, func(s *Server) { s.readTimeout = 100 * time.Millisecond })
	rc := h.raw()
	var err error
	for err == nil {
		_, err = rc.c.Write([]byte("\n"))
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the server kept a connection that sent only blank lines")
	}
	if rep := rc.reply(); !strings.HasPrefix(rep.Error, "read timeout") {
		t.Errorf("got %+v, want a read timeout", rep)
	}
}
