package clienttest

import (
	"errors"
	"net/netip"
	"sync"

	"github.com/leased/leased/client"
	"github.com/leased/leased/statemachine/linklocal"
)

// LinkLocal is a fake client.LinkLocalLink: the ARP packets the runner
// sends appear on Sent as "probe A" or "announce A"; packets given to
// Deliver reach it; adding and removing the address is recorded.
type LinkLocal struct {
	Sent chan string
	in   chan linklocal.Packet

	mu     sync.Mutex
	calls  []string
	closed chan struct{}
}

var _ client.LinkLocalLink = (*LinkLocal)(nil)

// NewLinkLocal returns a fake with room for 64 unread sends.
func NewLinkLocal() *LinkLocal {
	return &LinkLocal{Sent: make(chan string, 64), in: make(chan linklocal.Packet, 16)}
}

// Deliver hands the runner an ARP packet seen on the link.
func (f *LinkLocal) Deliver(p linklocal.Packet) { f.in <- p }

// Calls returns "add A" and "remove A" in order.
func (f *LinkLocal) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *LinkLocal) record(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

// OpenARP implements client.LinkLocalLink.
func (f *LinkLocal) OpenARP() (client.ARPConn, error) {
	f.mu.Lock()
	f.closed = make(chan struct{})
	c := &arpConn{f: f, closed: f.closed}
	f.mu.Unlock()
	return c, nil
}

// AddLinkLocal implements client.LinkLocalLink.
func (f *LinkLocal) AddLinkLocal(a netip.Addr) error { f.record("add " + a.String()); return nil }

// RemoveLinkLocal implements client.LinkLocalLink.
func (f *LinkLocal) RemoveLinkLocal(a netip.Addr) error {
	f.record("remove " + a.String())
	return nil
}

type arpConn struct {
	f      *LinkLocal
	closed chan struct{}
	once   sync.Once
}

func (c *arpConn) ReadARP() (linklocal.Packet, error) {
	select {
	case p := <-c.f.in:
		return p, nil
	case <-c.closed:
		return linklocal.Packet{}, errors.New("closed")
	}
}

func (c *arpConn) SendProbe(a netip.Addr) error    { c.f.Sent <- "probe " + a.String(); return nil }
func (c *arpConn) SendAnnounce(a netip.Addr) error { c.f.Sent <- "announce " + a.String(); return nil }

func (c *arpConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}
