package fakeserver

import (
	"context"
	"net"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// packetPipe is a net.PacketConn fed from a channel that records writes.
type packetPipe struct {
	in     chan []byte
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	writes []sent
}

type sent struct {
	to   string
	wire []byte
	at   time.Time
}

func newPipe() *packetPipe { return &packetPipe{in: make(chan []byte), done: make(chan struct{})} }

func (p *packetPipe) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case d := <-p.in:
		return copy(b, d), &net.UDPAddr{IP: net.IPv4zero, Port: 68}, nil
	case <-p.done:
		return 0, nil, net.ErrClosed
	}
}

func (p *packetPipe) WriteTo(b []byte, to net.Addr) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes = append(p.writes, sent{to.String(), append([]byte(nil), b...), time.Now()})
	return len(b), nil
}

func (p *packetPipe) Close() error                     { p.once.Do(func() { close(p.done) }); return nil }
func (p *packetPipe) LocalAddr() net.Addr              { return &net.UDPAddr{Port: 67} }
func (p *packetPipe) SetDeadline(time.Time) error      { return nil }
func (p *packetPipe) SetReadDeadline(time.Time) error  { return nil }
func (p *packetPipe) SetWriteDeadline(time.Time) error { return nil }
func (p *packetPipe) sent() []sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sent(nil), p.writes...)
}

func TestServeAnswersOverTheConnAndHonoursDelays(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := testConfig()
		cfg.Now = nil
		cfg.Script = Script{{On: dhcp4.Discover, Count: 1, Delay: 3 * time.Second}}
		s := newServer(t, cfg)
		p := newPipe()
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error, 1)
		go func() { errc <- s.Serve(ctx, p) }()

		start := time.Now()
		wire, _ := msg(dhcp4.Discover, hwA, nil).AppendBinary(nil)
		p.in <- []byte("junk that does not parse")
		p.in <- wire
		synctest.Wait()
		if n := len(p.sent()); n != 0 {
			t.Fatalf("%d replies before the delay, want 0", n)
		}
		time.Sleep(3 * time.Second)
		synctest.Wait()
		got := p.sent()
		if len(got) != 1 || got[0].to != "255.255.255.255:68" || got[0].at.Sub(start) != 3*time.Second {
			t.Fatalf("sent %+v, want one reply to 255.255.255.255:68 after 3s", got)
		}
		if m, err := dhcp4.Parse(got[0].wire); err != nil || m.Type() != dhcp4.Offer {
			t.Fatalf("reply %v, %v; want a DHCPOFFER", m, err)
		}
		cancel()
		if err := <-errc; err != nil {
			t.Fatalf("Serve returned %v after cancel, want nil", err)
		}
	})
}

func TestWaitSignalsTheNextMessage(t *testing.T) {
	s := newServer(t, testConfig())
	w := s.Wait()
	select {
	case <-w:
		t.Fatal("signalled before any message")
	default:
	}
	s.Handle(msg(dhcp4.Discover, hwA, nil))
	select {
	case <-w:
	default:
		t.Fatal("not signalled after a message")
	}
}
