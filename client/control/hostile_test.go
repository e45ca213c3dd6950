package control

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// rawConn is a client speaking bytes, for requests Client would never send.
type rawConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (h *harness) raw() *rawConn {
	h.t.Helper()
	c, err := net.Dial("unix", h.srv.Path())
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawConn{t: h.t, c: c, r: bufio.NewReaderSize(c, 1<<20)}
}

func (rc *rawConn) send(s string) {
	rc.t.Helper()
	if _, err := rc.c.Write([]byte(s)); err != nil {
		rc.t.Fatal(err)
	}
}

// reply reads one reply line.
func (rc *rawConn) reply() Reply {
	rc.t.Helper()
	line, err := rc.r.ReadBytes('\n')
	if err != nil {
		rc.t.Fatalf("read reply: %v", err)
	}
	var rep Reply
	if err := json.Unmarshal(line, &rep); err != nil {
		rc.t.Fatalf("decode %q: %v", line, err)
	}
	return rep
}

// closed checks that the server closed the connection.
func (rc *rawConn) closed() {
	rc.t.Helper()
	if line, err := rc.r.ReadBytes('\n'); err == nil {
		rc.t.Fatalf("got %q, want the connection closed", line)
	}
}

func TestBadRequestsKeepConnectionUsable(t *testing.T) {
	h := serve(t, nil)
	rc := h.raw()
	bad := []struct{ line, want string }{
		{"not json\n", "bad request: invalid character"},
		{`{"verb":"status","extra":1}` + "\n", `bad request: json: unknown field "extra"`},
		{`{"verb":"status"}{"verb":"renew"}` + "\n", "bad request: more than one JSON value"},
		{`{"verb":"getoption","interface":"eth0"}` + "\n", "bad request: getoption needs an option name"},
		{`{"verb":"renew","interface":"../../etc"}` + "\n", "bad request: invalid interface name"},
		{strings.Repeat("x", MaxLine) + "\n", "bad request: request longer than 65536 bytes"},
	}
	for _, b := range bad {
		rc.send(b.line)
		rep := rc.reply()
		if rep.OK || !strings.HasPrefix(rep.Error, b.want) {
			t.Errorf("for %.40q: got %+v, want error %q", b.line, rep, b.want)
		}
	}
	rc.send("\n" + `{"verb":"status"}` + "\n")
	if rep := rc.reply(); !rep.OK || len(rep.Interfaces) != 2 {
		t.Errorf("after bad requests: got %+v, want a status", rep)
	}
	if got := h.fake.Calls(); len(got) != 1 {
		t.Errorf("backend calls %q, want one status", got)
	}
}

func TestLongestLineAccepted(t *testing.T) {
	h := serve(t, nil)
	rc := h.raw()
	req := `{"verb":"status"}`
	rc.send(req + strings.Repeat(" ", MaxLine-len(req)-1) + "\n")
	if rep := rc.reply(); !rep.OK {
		t.Errorf("line of exactly %d bytes: got %+v", MaxLine, rep)
	}
}

func TestHalfWrittenRequestTimesOut(t *testing.T) {
	h := serve(t, func(s *Server) { s.readTimeout = 50 * time.Millisecond })
	rc := h.raw()
	rc.send(`{"verb":"sta`)
	if rep := rc.reply(); rep.OK || !strings.HasPrefix(rep.Error, "read timeout") {
		t.Errorf("got %+v, want a read timeout", rep)
	}
	rc.closed()
	// The daemon still answers others.
	if _, err := h.dial().Do(Request{Verb: VerbStatus}); err != nil {
		t.Fatal(err)
	}
}

func TestHalfWrittenRequestThenEOF(t *testing.T) {
	h := serve(t, nil)
	rc := h.raw()
	rc.send(`{"verb":"renew"}`)
	rc.c.(*net.UnixConn).CloseWrite()
	if rep := rc.reply(); rep.OK || !strings.HasPrefix(rep.Error, "incomplete request") {
		t.Errorf("got %+v, want incomplete request", rep)
	}
	rc.closed()
	if got := h.fake.Calls(); len(got) != 0 {
		t.Errorf("backend calls %q for an unterminated request", got)
	}
}

func TestIdleClientIsDropped(t *testing.T) {
	h := serve(t, func(s *Server) { s.readTimeout = 50 * time.Millisecond })
	rc := h.raw()
	rc.reply() // the timeout notice
	rc.closed()
}

func TestOversizedEndlessLineIsCutByDeadline(t *testing.T) {
	h := serve(t, func(s *Server) { s.readTimeout = 200 * time.Millisecond })
	rc := h.raw()
	chunk := []byte(strings.Repeat("a", 4096))
	var err error
	for err == nil {
		_, err = rc.c.Write(chunk)
	}
	// The server hung up; our own 20 s deadline must not be what ended it.
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("server kept reading an endless line")
	}
}

func TestConnectionLimit(t *testing.T) {
	h := serve(t, func(s *Server) { s.maxConns, s.evictAfter = 3, time.Hour })
	var held []*Client
	for range 3 {
		c := h.dial()
		if _, err := c.Do(Request{Verb: VerbStatus}); err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	rc := h.raw()
	if rep := rc.reply(); rep.OK || rep.Error != "too many connections" {
		t.Errorf("got %+v, want too many connections", rep)
	}
	rc.closed()
	held[0].Close()
	// The freed slot becomes usable; the server may not have noticed the
	// close yet, so retry until it has.
	for {
		c, err := Dial(h.srv.Path())
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Do(Request{Verb: VerbStatus})
		c.Close()
		if err == nil {
			break
		}
		if err.Error() != "too many connections" {
			t.Fatal(err)
		}
	}
}

func TestManyConcurrentClients(t *testing.T) {
	h := serve(t, func(s *Server) { s.evictAfter = time.Hour })
	errs := make(chan error, 100)
	for range 100 {
		go func() {
			c, err := Dial(h.srv.Path())
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			_, err = c.Do(Request{Verb: VerbStatus})
			errs <- err
		}()
	}
	ok, refused := 0, 0
	for range 100 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case strings.HasPrefix(err.Error(), "too many connections"):
			refused++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok == 0 || ok+refused != 100 {
		t.Errorf("got %d served and %d refused of 100", ok, refused)
	}
}

func TestServeReturnsAndClosesConnections(t *testing.T) {
	h := serve(t, nil)
	idle := h.raw()
	c := h.dial()
	if _, err := c.Do(Request{Verb: VerbStatus}); err != nil {
		t.Fatal(err)
	}
	if err := h.shutdown(); err != nil {
		t.Fatalf("Serve returned %v, want nil", err)
	}
	idle.closed()
	if _, err := c.Do(Request{Verb: VerbStatus}); err == nil {
		t.Error("request after Serve returned succeeded")
	}
	if _, err := Dial(h.srv.Path()); err == nil {
		t.Error("socket still accepts connections")
	}
}

func TestShutdownLetsInFlightReplyOut(t *testing.T) {
	h := serve(t, nil)
	h.fake.block, h.fake.acting = make(chan struct{}), make(chan struct{}, 1)
	c := h.dial()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Do(Request{Verb: VerbRelease, Interface: "eth0"})
		errc <- err
	}()
	<-h.fake.acting
	served := make(chan error, 1)
	go func() { served <- h.shutdown() }()
	// Wait until Serve has stopped accepting, so the reply is owed during
	// shutdown.
	for {
		probe, err := net.Dial("unix", h.srv.Path())
		if err != nil {
			break
		}
		probe.Close()
	}
	close(h.fake.block)
	if err := <-errc; err != nil {
		t.Errorf("release during shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Error(err)
	}
}

func TestWatcherInputEndsStream(t *testing.T) {
	h := serve(t, nil)
	rc := h.raw()
	rc.send(`{"verb":"watch"}` + "\n")
	if rep := rc.reply(); !rep.OK {
		t.Fatalf("watch: %+v", rep)
	}
	<-h.fake.watching
	rc.send("x")
	<-h.fake.unwatch
	rc.closed()
}

func TestCloseEndsServe(t *testing.T) {
	h := serve(t, nil)
	idle := h.raw()
	h.srv.Close()
	err := <-h.done // without cancelling Serve's context
	h.done = nil
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve after Close returned %v, want net.ErrClosed", err)
	}
	idle.closed()
}
