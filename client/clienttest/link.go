// Package clienttest has in-memory fakes of the interfaces through which
// the client package reaches the system (client.Link, client.Hooks,
// client.LeaseStore, client.System's watches): a Link whose sockets are
// channels and whose kernel side records calls, Hooks that record calls
// and answer with scripted exit codes, and link and sleep watches the
// test drives. They block only on channels, so tests run inside
// testing/synctest.
package clienttest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Datagram is one payload crossing a fake socket.
type Datagram struct {
	B        []byte
	To, From netip.AddrPort
	Unicast  bool       // sent through the socket bound to the leased address
	Src      netip.Addr // IP source set by the sender (WriteFrom); invalid for 0.0.0.0
}

// Msg decodes the payload; it panics on garbage, which only the test
// itself could have put there.
func (d Datagram) Msg() *dhcp4.Message {
	m, err := dhcp4.Parse(d.B)
	if err != nil {
		panic(err)
	}
	return m
}

// Link is a fake client.Link. Sent datagrams appear on Sent; datagrams
// written to Deliver reach the runner. Configure and friends are recorded.
type Link struct {
	IfName string
	HW     net.HardwareAddr
	Sent   chan Datagram
	in     chan Datagram
	errs   chan error

	mu        sync.Mutex
	calls     []string
	Conflict  bool  // answer for Probe
	ConfigErr error // answer for Configure, set with FailConfigure
	gone      bool
	open      []*conn
	bcasts    int // broadcast conns ever opened
}

// NewLink returns a fake link named name.
func NewLink(name string) *Link {
	return &Link{
		IfName: name,
		HW:     net.HardwareAddr{2, 0, 0, 0, 0, 1},
		Sent:   make(chan Datagram, 64),
		in:     make(chan Datagram, 64),
		errs:   make(chan error, 4),
	}
}

var _ client.Link = (*Link)(nil)

// Deliver hands a server message to the runner's packet socket. With
// none open it is lost, as the kernel drops a frame that no socket
// wants.
func (l *Link) Deliver(m *dhcp4.Message, from netip.AddrPort) {
	b, err := m.MarshalBinary()
	if err != nil {
		panic(err)
	}
	l.DeliverRaw(b, from)
}

// FailRead makes the broadcast socket's next read return err, as a packet
// socket reports ENETDOWN once after its link went down.
func (l *Link) FailRead(err error) { l.errs <- err }

// DeliverRaw hands arbitrary bytes to the runner, as Deliver.
func (l *Link) DeliverRaw(b []byte, from netip.AddrPort) {
	if l.Receiving() {
		l.in <- Datagram{B: b, From: from}
	}
}

// BroadcastOpens counts the packet sockets (broadcast conns) opened.
func (l *Link) BroadcastOpens() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bcasts
}

// Receiving reports whether a packet socket (the broadcast conn) is open
// and not muted.
func (l *Link) Receiving() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.open {
		if !c.unicast && !c.isClosed() && !c.muted.Load() {
			return true
		}
	}
	return false
}

// Calls returns the recorded kernel-side calls, such as "configure
// 10.0.0.5/24" and "deconfigure 10.0.0.5/24".
func (l *Link) Calls() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.calls...)
}

func (l *Link) record(s string) {
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
}

// Name implements client.Link.
func (l *Link) Name() string { return l.IfName }

// OpenBroadcast implements client.Link; it fails while the link is gone.
func (l *Link) OpenBroadcast() (client.Conn, error) {
	l.mu.Lock()
	gone := l.gone
	l.mu.Unlock()
	if gone {
		return nil, errGone
	}
	return l.openConn(false), nil
}

var errGone = errors.New("fake link is gone")

// Vanish removes the link: its sockets fail and none can be opened until
// Return.
func (l *Link) Vanish() {
	l.mu.Lock()
	l.gone = true
	open := l.open
	l.open = nil
	l.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}

// Return brings a vanished link back.
func (l *Link) Return() {
	l.mu.Lock()
	l.gone = false
	l.mu.Unlock()
}

// OpenUnicast implements client.Link.
func (l *Link) OpenUnicast(netip.Addr) (client.Sender, error) { return l.openConn(true), nil }

func (l *Link) openConn(unicast bool) *conn {
	c := &conn{link: l, unicast: unicast, closed: make(chan struct{}), woken: make(chan struct{}, 1)}
	l.mu.Lock()
	l.open = append(l.open, c)
	if !unicast {
		l.bcasts++
	}
	l.mu.Unlock()
	return c
}

// Up implements client.Link.
func (l *Link) Up() error { l.record("up"); return nil }

// FailConfigure makes Configure return err from now on (nil: succeed),
// as the kernel answers EPERM to a daemon without CAP_NET_ADMIN.
func (l *Link) FailConfigure(err error) {
	l.mu.Lock()
	l.ConfigErr = err
	l.mu.Unlock()
}

// Configure implements client.Link.
func (l *Link) Configure(le, _ *statemachine.Lease) error {
	l.record("configure " + le.Prefix().String())
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ConfigErr
}

// Deconfigure implements client.Link.
func (l *Link) Deconfigure(le *statemachine.Lease) error {
	l.record("deconfigure " + le.Prefix().String())
	return nil
}

// Probe implements client.Link.
func (l *Link) Probe(context.Context, netip.Addr) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Conflict, nil
}

// conn is one fake socket. Only the broadcast socket receives, so each
// delivered datagram is read once.
type conn struct {
	link      *Link
	unicast   bool
	closeOnce sync.Once
	closed    chan struct{}
	muted     atomic.Bool
	woken     chan struct{} // a read deadline passed (SetReadDeadline)
}

var errClosed = fmt.Errorf("fake connection: %w", net.ErrClosed)

func (c *conn) Receive(fn func(b []byte, from netip.AddrPort)) error {
	if c.unicast {
		<-c.closed
		return errClosed
	}
	select {
	case d := <-c.link.in:
		fn(d.B, d.From)
		return nil
	case err := <-c.link.errs:
		return err
	case <-c.woken:
		return os.ErrDeadlineExceeded
	case <-c.closed:
		return errClosed
	}
}

// Relink makes the fake broadcast socket a client.Relinker: a socket
// is kept unless its link vanished, which closed it.
func (c *conn) Relink() (bool, error) { return !c.isClosed(), nil }

// Mute, MatchXID and MatchAnyXID make the fake broadcast socket a
// client.Muter, as the platform's is: muted, it receives nothing
// (Receiving) until a match is set again.
func (c *conn) Mute() error { c.muted.Store(true); return nil }

// MatchXID implements client.XIDMatcher: it only undoes Mute.
func (c *conn) MatchXID(uint32) error { c.muted.Store(false); return nil }

// MatchAnyXID implements client.XIDMatcher: it only undoes Mute.
func (c *conn) MatchAnyXID() error { c.muted.Store(false); return nil }

// SetReadDeadline wakes a Receive waiting, or the next one, with
// os.ErrDeadlineExceeded when t has passed; a zero t takes back a wake
// no Receive has seen.
func (c *conn) SetReadDeadline(t time.Time) error {
	switch {
	case t.IsZero():
		select {
		case <-c.woken:
		default:
		}
	case !t.After(time.Now()):
		select {
		case c.woken <- struct{}{}:
		default:
		}
	}
	return nil
}

func (c *conn) WriteTo(b []byte, to netip.AddrPort) error {
	return c.WriteFrom(b, netip.Addr{}, to)
}

// WriteFrom makes the fake broadcast socket a client.SourceConn, as the
// platform's is.
func (c *conn) WriteFrom(b []byte, src netip.Addr, to netip.AddrPort) error {
	select {
	case <-c.closed:
		return errClosed
	default:
	}
	c.link.Sent <- Datagram{B: append([]byte(nil), b...), To: to, Unicast: c.unicast, Src: src}
	return nil
}

func (c *conn) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *conn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return nil
}
