package dbus

import (
	"context"
	"errors"
	"net"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/leased/leased/platform/platformtest"
	"golang.org/x/sys/unix"
)

// logind's names, which the tests use for a typical peer and signal.
const (
	logindName      = "org.freedesktop.login1"
	logindPath      = "/org/freedesktop/login1"
	logindManager   = "org.freedesktop.login1.Manager"
	prepareForSleep = "PrepareForSleep"
)

// fakePeer plays the bus on the other end of a Conn's socket. Each of
// its reads fails after waitLimit instead of hanging the test.
type fakePeer struct {
	conn   *net.UnixConn
	stream *stream
	serial uint32
}

// newConnPair returns a Conn, past authentication, and its peer.
func newConnPair(t *testing.T) (*Conn, *fakePeer) {
	t.Helper()
	client, server := socketPair(t)
	c := newConn(client)
	t.Cleanup(func() { c.Close() })
	server.SetDeadline(time.Now().Add(waitLimit))
	p := &fakePeer{conn: server, stream: newStream(server)}
	t.Cleanup(p.stream.close)
	return c, p
}

func (p *fakePeer) recv(t *testing.T) *message {
	t.Helper()
	m, err := p.stream.next()
	if err != nil {
		t.Fatalf("peer: %v", err)
	}
	closeFDs(m.fds)
	return m
}

// send sends m with fds, which stay open on this side.
func (p *fakePeer) send(t *testing.T, m *message, fds []int, args ...any) {
	t.Helper()
	p.serial++
	m.Serial, m.UnixFDs = p.serial, uint32(len(fds))
	b, err := appendMessage(nil, m, args...)
	if err != nil {
		t.Fatal(err)
	}
	p.sendRaw(t, b, fds)
}

func (p *fakePeer) sendRaw(t *testing.T, b []byte, fds []int) {
	t.Helper()
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	n, _, err := p.conn.WriteMsgUnix(b, oob, nil)
	if err == nil && n < len(b) { // a stream socket may take part of it
		_, err = p.conn.Write(b[n:])
	}
	if err != nil {
		t.Fatalf("peer: %v", err)
	}
}

// mustAppend encodes m, with serial 1000.
func mustAppend(t *testing.T, m *message, args ...any) []byte {
	t.Helper()
	m.Serial = 1000
	b, err := appendMessage(nil, m, args...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reply answers call with a method return.
func (p *fakePeer) reply(t *testing.T, call *message, sig string, fds []int, args ...any) {
	t.Helper()
	p.send(t, &message{Type: msgMethodReturn, ReplySerial: call.Serial, Signature: sig}, fds, args...)
}

// pipe returns the read end of a new pipe and the descriptor of its
// write end, which the test passes on and then closes on its side.
func pipe(t *testing.T) (*os.File, int) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	fd, err := unix.Dup(int(w.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	return r, fd
}

// sent closes this side's copy of descriptors that were sent.
func sent(fds ...int) { closeFDs(fds) }

func released(t *testing.T, r *os.File, timeout time.Duration) bool {
	t.Helper()
	return platformtest.HungUp(t, platformtest.Lock{Pipe: r}, timeout)
}

// inCall runs f, a call on the connection, and delivers its error.
func inCall(f func() error) <-chan error {
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	return errc
}

func TestBusCallDropsUnmatchedReply(t *testing.T) {
	c, p := newConnPair(t)
	var owner string
	errc := inCall(func() (err error) {
		owner, err = c.NameOwner(t.Context(), logindName)
		return err
	})
	call := p.recv(t)
	if call.Member != "GetNameOwner" || call.Destination != busName || call.Path != busPath {
		t.Errorf("got call %+v, want GetNameOwner on %s", call, busName)
	}
	assertArgs(t, call, []any{logindName})
	r, w := pipe(t)
	p.send(t, &message{Type: msgMethodReturn, ReplySerial: call.Serial + 1}, []int{w})
	sent(w)
	p.reply(t, call, "s", nil, ":1.5")
	if err := waitErr(t, errc); err != nil {
		t.Fatal(err)
	}
	if owner != ":1.5" {
		t.Errorf("got owner %q, want %q", owner, ":1.5")
	}
	if !released(t, r, waitLimit) {
		t.Error("descriptor of the unmatched reply kept open")
	}
}

func TestBusCallReturnsErrorReply(t *testing.T) {
	c, p := newConnPair(t)
	errc := inCall(func() error { _, err := c.NameOwner(t.Context(), logindName); return err })
	call := p.recv(t)
	p.send(t, &message{Type: msgError, ReplySerial: call.Serial, ErrorName: "org.example.Error.Nope",
		Signature: "s"}, nil, "not here")
	err := waitErr(t, errc)
	var be *busError
	if !errors.As(err, &be) || be.Name != "org.example.Error.Nope" || be.Message != "not here" {
		t.Fatalf("got %v, want a *busError org.example.Error.Nope: not here", err)
	}
}

// TestBusCallPassesDescriptor checks that a reply's descriptor reaches
// the caller, and the one it does not ask for is closed.
func TestBusCallPassesDescriptor(t *testing.T) {
	c, p := newConnPair(t)
	var lock *os.File
	errc := inCall(func() (err error) {
		lock, err = c.CallFD(t.Context(), Method{logindName, logindPath, logindManager, "Inhibit"},
			"ssss", "a", "b", "c", "d")
		return err
	})
	call := p.recv(t)
	assertArgs(t, call, []any{"a", "b", "c", "d"})
	unused, w0 := pipe(t)
	kept, w1 := pipe(t)
	p.reply(t, call, "h", []int{w0, w1}, unixFDIndex(1))
	sent(w0, w1)
	if err := waitErr(t, errc); err != nil {
		t.Fatal(err)
	}
	if !released(t, unused, waitLimit) {
		t.Error("descriptor the reply did not pass on kept open")
	}
	if released(t, kept, 0) {
		t.Fatal("passed descriptor closed")
	}
	lock.Close()
	if !released(t, kept, waitLimit) {
		t.Error("passed descriptor still open after its file was closed")
	}
}

// TestBusAnswersMethodCalls checks the answers to Peer.Ping, to other
// methods, and the silence when no reply is expected.
func TestBusAnswersMethodCalls(t *testing.T) {
	_, p := newConnPair(t)
	ping := &message{Type: msgMethodCall, Path: "/", Interface: peerInterface, Member: "Ping", Sender: ":1.1"}
	p.send(t, ping, nil)
	if got := p.recv(t); got.Type != msgMethodReturn || got.ReplySerial != ping.Serial || got.Destination != ":1.1" {
		t.Errorf("got %+v, want an empty return to :1.1", got)
	}

	r, w := pipe(t)
	quiet := &message{Type: msgMethodCall, Flags: flagNoReplyExpected, Path: "/", Interface: "a.b", Member: "Quiet"}
	p.send(t, quiet, []int{w})
	sent(w)
	other := &message{Type: msgMethodCall, Path: "/x", Interface: "a.b", Member: "Other", Sender: ":1.1"}
	p.send(t, other, nil)
	got := p.recv(t) // answers come in order, so Quiet got none
	if got.Type != msgError || got.ErrorName != errUnknownMethod || got.ReplySerial != other.Serial {
		t.Errorf("got %+v, want %s in reply to serial %d", got, errUnknownMethod, other.Serial)
	}
	if !released(t, r, waitLimit) {
		t.Error("descriptor of a method call kept open")
	}
}

// TestBusDeliversSubscribedSignals sends, before the signal the
// connection subscribed to, what it must drop and stay in step after:
// another signal, a message over the size limit and a malformed one,
// each with a descriptor that must be closed.
func TestBusDeliversSubscribedSignals(t *testing.T) {
	c, p := newConnPair(t)
	match := Match{Sender: logindName, Path: logindPath, Interface: logindManager, Member: prepareForSleep}
	errc := inCall(func() error { return c.Subscribe(t.Context(), match) })
	call := p.recv(t)
	if call.Member != "AddMatch" {
		t.Fatalf("got call %+v, want AddMatch", call)
	}
	assertArgs(t, call, []any{match.rule()})
	p.reply(t, call, "", nil)
	if err := waitErr(t, errc); err != nil {
		t.Fatal(err)
	}

	signal := func(member string) *message {
		return &message{Type: msgSignal, Path: logindPath, Interface: logindManager, Member: member,
			Sender: ":1.5", Signature: "b"}
	}
	var pipes []*os.File
	dropped := func() []int {
		r, w := pipe(t)
		pipes = append(pipes, r)
		return []int{w}
	}
	fds := dropped()
	p.send(t, signal("Other"), fds, true)
	sent(fds...)
	oversized := append(cat([]byte{'l', 4, 0, 1}, le32(maxMessageSize+100), le32(99), le32(0)),
		make([]byte, maxMessageSize+100)...)
	fds = dropped()
	p.sendRaw(t, oversized, fds)
	sent(fds...)
	malformed := leSleepSignal()
	malformed[87] = 1 // padding
	fds = dropped()
	p.sendRaw(t, malformed, fds)
	sent(fds...)
	fds = dropped() // sent with a message whose UNIX_FDS says 0
	p.sendRaw(t, mustAppend(t, signal(prepareForSleep), true), fds)
	sent(fds...)
	p.send(t, signal(prepareForSleep), nil, true)

	ctx, cancel := context.WithTimeout(t.Context(), waitLimit) // a failure bound only
	defer cancel()
	sig, err := c.NextSignal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Member != prepareForSleep || sig.Sender != ":1.5" || sig.msg.Serial != p.serial {
		t.Errorf("got %+v, want PrepareForSleep from :1.5, serial %d", sig.msg, p.serial)
	}
	if args, err := sig.Args(); err != nil || !reflect.DeepEqual(args, []any{true}) {
		t.Errorf("Args: got %#v, %v; want %#v", args, err, []any{true})
	}
	for i, r := range pipes {
		if !released(t, r, waitLimit) {
			t.Errorf("descriptor %d kept open", i)
		}
	}
}

func TestBusEnds(t *testing.T) {
	t.Run("on a framing error", func(t *testing.T) {
		c, p := newConnPair(t)
		p.sendRaw(t, cat([]byte{'x', 1, 0, 1}, le32(0), le32(1), le32(0)), nil)
		assertEnded(t, c)
	})
	t.Run("when the peer hangs up", func(t *testing.T) {
		c, p := newConnPair(t)
		p.conn.Close()
		assertEnded(t, c)
	})
	t.Run("on Close, with a call in flight", func(t *testing.T) {
		c, p := newConnPair(t)
		errc := inCall(func() error { _, err := c.NameOwner(t.Context(), logindName); return err })
		p.recv(t)
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if err := waitErr(t, errc); !errors.Is(err, ErrClosed) {
			t.Errorf("call: got %v, want %v", err, ErrClosed)
		}
		assertEnded(t, c)
		if err := c.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// assertEnded checks that the connection reports its end to new calls
// and to the signal consumer.
func assertEnded(t *testing.T, c *Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit) // a failure bound only
	defer cancel()
	if _, err := c.NextSignal(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("NextSignal: got %v, want %v", err, ErrClosed)
	}
	if _, err := c.NameOwner(ctx, logindName); !errors.Is(err, ErrClosed) {
		t.Errorf("call: got %v, want %v", err, ErrClosed)
	}
}

// TestBusCallHonoursContext checks that a cancelled call returns at once
// and that its reply, coming later, is dropped with its descriptor.
func TestBusCallHonoursContext(t *testing.T) {
	c, p := newConnPair(t)
	ctx, cancel := context.WithCancel(t.Context())
	errc := inCall(func() error { _, err := c.NameOwner(ctx, logindName); return err })
	call := p.recv(t)
	cancel()
	if err := waitErr(t, errc); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want %v", err, context.Canceled)
	}
	r, w := pipe(t)
	p.reply(t, call, "h", []int{w}, unixFDIndex(0))
	sent(w)
	if !released(t, r, waitLimit) {
		t.Error("descriptor of the abandoned call's reply kept open")
	}
}
