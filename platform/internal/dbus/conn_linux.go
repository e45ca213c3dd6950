package dbus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
)

// The message bus itself (D-Bus Specification, "Message Bus Messages").
const (
	busName      = "org.freedesktop.DBus"
	busPath      = "/org/freedesktop/DBus"
	busInterface = "org.freedesktop.DBus"
)

// What the connection answers to by itself.
const (
	peerInterface    = "org.freedesktop.DBus.Peer"
	errUnknownMethod = "org.freedesktop.DBus.Error.UnknownMethod"
)

// ErrClosed reports that a connection has ended: it was closed, or it
// failed, and then the error also wraps the cause.
var ErrClosed = errors.New("bus connection closed")

// Conn is a connection to a message bus with just what the sleep watcher
// needs: method calls, one signal subscription, and answers to Peer.Ping.
// One reader goroutine per connection receives everything; Close ends
// it. Its methods are safe for concurrent use.
type Conn struct {
	nc      *net.UnixConn
	stream  *stream // the reader's
	signals *signalQueue
	serial  atomic.Uint32
	wmu     sync.Mutex // serialises writes, which must not interleave

	mu      sync.Mutex
	pending map[uint32]chan *message // method calls by serial
	match   *Match                   // the signals to queue; nil: none

	closeOnce sync.Once
	closing   atomic.Bool // Close was called
	closeErr  error
	done      chan struct{} // closed once the reader has stopped
	err       error         // why it stopped; set before done is closed
}

// Dial connects to the bus at address, a D-Bus server address of the
// unix transport ("" means the system bus: $DBUS_SYSTEM_BUS_ADDRESS,
// else unix:path=/run/dbus/system_bus_socket), authenticates as the
// process's uid and says Hello. ctx bounds the connection's setup only;
// the connection lasts until Close or until it fails.
func Dial(ctx context.Context, address string) (*Conn, error) {
	if address == "" {
		address = systemBusAddress(os.Getenv("DBUS_SYSTEM_BUS_ADDRESS"))
	}
	sockets, err := busSockets(address)
	if err != nil {
		return nil, err
	}
	nc, err := dialFirst(ctx, sockets)
	if err != nil {
		return nil, err
	}
	if _, err := authenticate(ctx, nc, os.Getuid()); err != nil {
		nc.Close()
		return nil, err
	}
	c := newConn(nc)
	// The bus takes no other message before Hello (D-Bus Specification,
	// "Message Bus Messages"); the unique name it returns is not needed.
	if _, err := c.call(ctx, busDaemon("Hello"), ""); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// newConn starts the reader of an authenticated connection.
func newConn(nc *net.UnixConn) *Conn {
	c := &Conn{
		nc:      nc,
		stream:  newStream(nc),
		signals: newSignalQueue(),
		pending: make(map[uint32]chan *message),
		done:    make(chan struct{}),
	}
	go c.readLoop()
	return c
}

// dialFirst connects to the first of the sockets that accepts. It calls
// net.DialUnix rather than a net.Dialer: the Dialer's address resolution
// would link Go's DNS resolver into the daemon. Connecting to a unix
// socket does not wait for the peer, so ctx is checked between attempts.
func dialFirst(ctx context.Context, sockets []string) (*net.UnixConn, error) {
	var errs []error
	for _, s := range sockets {
		if err := ctx.Err(); err != nil {
			return nil, errors.Join(append(errs, err)...)
		}
		// A leading '@' names the abstract namespace (see busSockets).
		nc, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: s, Net: "unix"})
		if err == nil {
			return nc, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// readLoop receives and dispatches messages until the connection fails
// or is closed.
func (c *Conn) readLoop() {
	var err error
	for {
		var m *message
		if m, err = c.stream.next(); err != nil {
			break
		}
		c.dispatch(m)
	}
	c.stream.close()
	if c.closing.Load() {
		c.err = ErrClosed
	} else {
		c.err = fmt.Errorf("%w: %w", ErrClosed, err)
	}
	close(c.done)
}

// dispatch hands m to whoever waits for it. Only replies pass their
// descriptors on; any other message's are closed first.
func (c *Conn) dispatch(m *message) {
	if m.Type != msgMethodReturn && m.Type != msgError {
		closeFDs(m.fds)
		m.fds = nil
	}
	switch m.Type {
	case msgMethodReturn, msgError:
		c.deliverReply(m)
	case msgSignal:
		c.mu.Lock()
		wanted := c.match != nil && c.match.matches(m)
		c.mu.Unlock()
		if wanted {
			c.signals.push(m) // a sender over its share loses the signal
		}
	case msgMethodCall:
		c.answer(m)
	}
}

// answer replies to a method call: Peer.Ping with an empty return, which
// is how a peer checks that the connection is alive, anything else with
// UnknownMethod, unless the caller wants no reply. A failed write ends
// the connection, which the reader then notices.
func (c *Conn) answer(call *message) {
	if call.Flags&flagNoReplyExpected != 0 {
		return
	}
	reply := &message{Type: msgMethodReturn, ReplySerial: call.Serial, Destination: call.Sender}
	if call.Member == "Ping" && (call.Interface == peerInterface || call.Interface == "") {
		c.send(reply)
		return
	}
	reply.Type = msgError
	reply.ErrorName = errUnknownMethod
	reply.Signature = "s"
	c.send(reply, fmt.Sprintf("no method %s.%s at %s", call.Interface, call.Member, call.Path))
}

// send writes m with a fresh serial.
func (c *Conn) send(m *message, args ...any) error {
	m.Serial = c.nextSerial()
	return c.write(m, args...)
}

// nextSerial returns a serial that is not 0, which is invalid.
func (c *Conn) nextSerial() uint32 {
	for {
		if s := c.serial.Add(1); s != 0 {
			return s
		}
	}
}

// Close closes the connection and waits for the reader to stop. Calls in
// flight and later ones fail with ErrClosed, and so does NextSignal once
// the signals already queued have been taken. It may be called more than
// once and from any goroutine.
func (c *Conn) Close() error {
	c.closing.Store(true)
	c.closeSocket()
	<-c.done // so never from readLoop, which would wait for itself
	return c.closeErr
}

// closeSocket closes the socket once, which ends the reader's read.
func (c *Conn) closeSocket() {
	c.closeOnce.Do(func() { c.closeErr = c.nc.Close() })
}
