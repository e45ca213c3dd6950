package control

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestSocketPath(t *testing.T) {
	tests := []struct{ pid, want string }{
		{"/run/dhclient.pid", "/run/dhclient.sock"},
		{"/run/dhclient.eth0.pid", "/run/dhclient.eth0.sock"},
		{"/var/run/dhclient-wlan0.pid", "/var/run/dhclient-wlan0.sock"},
		{"/tmp/daemon", "/tmp/daemon.sock"},
		{"/tmp/x.pid.bak", "/tmp/x.pid.bak.sock"},
	}
	for _, tt := range tests {
		if got := SocketPath(tt.pid); got != tt.want {
			t.Errorf("SocketPath(%q) = %q, want %q", tt.pid, got, tt.want)
		}
	}
}

func TestDiscoverFindsOnlySockets(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"dhclient.sock", "dhclient.eth0.sock"} {
		ln, err := net.Listen("unix", filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
	}
	if err := os.WriteFile(filepath.Join(dir, "dhclient.fake.sock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Discover(filepath.Join(dir, "dhclient*.sock"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "dhclient.eth0.sock"), filepath.Join(dir, "dhclient.sock")}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := Discover("[bad"); err == nil {
		t.Error("Discover accepted a malformed pattern")
	}
}

func TestRemoteErrorIs(t *testing.T) {
	err := error(&RemoteError{Msg: "permission denied: renew changes state"})
	if !errors.Is(err, ErrPermission) || errors.Is(err, ErrUnknownInterface) {
		t.Errorf("errors.Is mismatch for %v", err)
	}
	err = &RemoteError{Msg: "unknown interface eth9"}
	if !errors.Is(err, ErrUnknownInterface) || errors.Is(err, ErrPermission) {
		t.Errorf("errors.Is mismatch for %v", err)
	}
}

func TestWatchStreamsEvents(t *testing.T) {
	h := serve(t, nil)
	c := h.dial()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan Event, 4)
	errc := make(chan error, 1)
	go func() { errc <- c.Watch(ctx, "eth0", func(ev Event) { got <- ev }) }()
	<-h.fake.watching
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	h.fake.events <- Event{Kind: EventState, Interface: "wlan0", State: "BOUND", Time: at}
	h.fake.events <- Event{Kind: EventLink, Interface: "eth0", Link: "down", Time: at}
	ev := <-got
	if ev.Interface != "eth0" || ev.Link != "down" || !ev.Time.Equal(at) {
		t.Errorf("got %+v, want eth0 link down (wlan0 filtered out)", ev)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Watch after cancel returned %v, want nil", err)
	}
}

func TestWatchEndsWhenServerStops(t *testing.T) {
	h := serve(t, nil)
	c := h.dial()
	errc := make(chan error, 1)
	go func() { errc <- c.Watch(context.Background(), "", func(Event) {}) }()
	<-h.fake.watching
	if err := h.shutdown(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, io.EOF) {
		t.Errorf("got %v, want an error wrapping io.EOF", err)
	}
}

func TestWatchUnknownInterface(t *testing.T) {
	h := serve(t, nil)
	err := h.dial().Watch(context.Background(), "eth9", func(Event) {})
	if !errors.Is(err, ErrUnknownInterface) {
		t.Errorf("got %v, want unknown interface", err)
	}
}

func TestWatchNeedsPermission(t *testing.T) {
	h := serve(t, foreign)
	err := h.dial().Watch(context.Background(), "", func(Event) {})
	if !errors.Is(err, ErrPermission) {
		t.Errorf("got %v, want permission denied", err)
	}
}

// A watcher that stops reading is dropped once a write times out, and the
// daemon keeps serving others.
func TestSlowWatcherIsDropped(t *testing.T) {
	h := serve(t, func(s *Server) { s.writeTimeout = 50 * time.Millisecond })
	rc := h.raw()
	rc.send(`{"verb":"watch"}` + "\n")
	if rep := rc.reply(); !rep.OK {
		t.Fatalf("watch: %+v", rep)
	}
	<-h.fake.watching
	big := Event{Kind: EventState, Interface: "eth0", State: string(make([]byte, 32<<10))}
	// Feed events the client never reads until the server ends the watch.
feed:
	for {
		select {
		case h.fake.events <- big:
		case <-h.fake.unwatch:
			break feed
		}
	}
	var err error
	for err == nil {
		_, err = rc.r.ReadBytes('\n')
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open: %v", err)
	}
	if _, err := h.dial().Do(Request{Verb: VerbStatus}); err != nil {
		t.Fatal(err)
	}
}
