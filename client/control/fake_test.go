package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// fakeBackend records every call and answers from its fields.
type fakeBackend struct {
	mu       sync.Mutex
	calls    []string
	status   []InterfaceStatus
	packet   *dhcp4.Message
	actErr   error
	events   chan Event    // Watch forwards these
	watching chan struct{} // a Watch began
	unwatch  chan struct{} // a Watch's context ended
	block    chan struct{} // when set, Act signals acting, then waits for block to close
	acting   chan struct{}
}

func newFake() *fakeBackend {
	return &fakeBackend{
		status: []InterfaceStatus{
			{Name: "eth0", State: "BOUND", Address: netip.MustParsePrefix("192.0.2.10/24"),
				Server: netip.MustParseAddr("192.0.2.1"), LeaseTime: 600,
				Expiry: time.Date(2030, 1, 1, 0, 10, 0, 0, time.UTC)},
			{Name: "wlan0", State: "SELECTING"},
		},
		events:   make(chan Event, 16),
		watching: make(chan struct{}, 16),
		unwatch:  make(chan struct{}, 16),
	}
}

func (f *fakeBackend) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *fakeBackend) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeBackend) known(iface string) error {
	if !slices.ContainsFunc(f.status, func(s InterfaceStatus) bool { return s.Name == iface }) {
		return fmt.Errorf("%w %s", ErrUnknownInterface, iface)
	}
	return nil
}

func (f *fakeBackend) Status() []InterfaceStatus {
	f.record("status")
	return slices.Clone(f.status)
}

func (f *fakeBackend) Packet(iface string) (*dhcp4.Message, error) {
	f.record("packet %s", iface)
	if err := f.known(iface); err != nil {
		return nil, err
	}
	return f.packet, nil
}

func (f *fakeBackend) Option(iface, name string) (string, error) {
	f.record("option %s %s", iface, name)
	if err := f.known(iface); err != nil {
		return "", err
	}
	if name != "ntp-servers" {
		return "", errors.New("no such option in the lease")
	}
	return "192.0.2.123 192.0.2.124", nil
}

func (f *fakeBackend) Act(verb, iface string) error {
	f.record("act %s %q", verb, iface)
	if f.block != nil {
		f.acting <- struct{}{}
		<-f.block
	}
	if iface != "" {
		if err := f.known(iface); err != nil {
			return err
		}
	}
	return f.actErr
}

func (f *fakeBackend) Shutdown() error {
	f.record("shutdown")
	return nil
}

func (f *fakeBackend) Watch(ctx context.Context) <-chan Event {
	f.record("watch")
	out := make(chan Event)
	go func() {
		defer close(out)
		defer func() { f.unwatch <- struct{}{} }()
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-f.events:
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	f.watching <- struct{}{}
	return out
}

// harness is a server on a socket in a temporary directory.
type harness struct {
	t    *testing.T
	srv  *Server
	fake *fakeBackend
	done chan error
	stop context.CancelFunc
}

// serve starts a server; adjust may change its fields before Serve.
func serve(t *testing.T, adjust func(*Server)) *harness {
	t.Helper()
	srv, err := Listen(t.TempDir() + "/dhclient.sock")
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(srv)
	}
	srv.now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
	ctx, stop := context.WithCancel(context.Background())
	h := &harness{t: t, srv: srv, fake: newFake(), done: make(chan error, 1), stop: stop}
	go func() { h.done <- srv.Serve(ctx, h.fake) }()
	t.Cleanup(func() { h.shutdown() })
	return h
}

// shutdown ends Serve and returns its error.
func (h *harness) shutdown() error {
	h.stop()
	if h.done == nil {
		return nil
	}
	err := <-h.done
	h.done = nil
	return err
}

func (h *harness) dial() *Client {
	h.t.Helper()
	c, err := Dial(h.srv.Path())
	if err != nil {
		h.t.Fatal(err)
	}
	c.Timeout = 10 * time.Second
	h.t.Cleanup(func() { c.Close() })
	return c
}

// foreign makes every peer look like uid 4242.
func foreign(s *Server) {
	s.peer = func(*net.UnixConn) (int, error) { return 4242, nil }
}

// wantErrPrefix fails unless err's message starts with prefix.
func wantErrPrefix(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil || !strings.HasPrefix(err.Error(), prefix) {
		t.Fatalf("got error %v, want one starting %q", err, prefix)
	}
}
