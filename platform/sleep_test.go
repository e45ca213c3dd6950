//go:build linux

package platform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	busclient "github.com/leased/leased/platform/internal/dbus"
)

// startWatcher runs WatchSleepOn on addr and returns its result channel
// and the function that stops it. Cleanup lets any pending callback
// return and waits for WatchSleepOn, so no goroutine outlives the test.
func startWatcher(t *testing.T, addr string, rec *sleepRecorder) (<-chan error, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc, done := make(chan error, 1), make(chan struct{})
	go func() {
		defer close(done)
		errc <- WatchSleepOn(ctx, addr, rec.onSleep)
	}()
	t.Cleanup(func() { close(rec.proceed); cancel(); <-done })
	return errc, cancel
}

func waitResult(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(waitLimit):
		t.Fatal("WatchSleepOn did not return")
		return nil
	}
}

// TestSleepWatcherPausesBeforeReleasingLock follows one suspend and
// wake-up: the lock is held while onSleep(true) runs, released after it
// returns, taken again after onSleep(false), and released when ctx ends.
func TestSleepWatcherPausesBeforeReleasingLock(t *testing.T) {
	addr, _ := startBus(t)
	logind := newFakeLogind(t, addr)
	rec := newSleepRecorder()
	errc, cancel := startWatcher(t, addr, rec)

	first := nextLock(t, logind)
	if want := "sleep|dhclient|release or pause DHCP leases before suspend|delay"; lockArgs(first) != want {
		t.Errorf("Inhibit(%s), want Inhibit(%s)", lockArgs(first), want)
	}
	logind.Emit(t, true)
	if got := rec.next(t); !got {
		t.Fatalf("onSleep(%v), want onSleep(true)", got)
	}
	if !held(t, first) {
		t.Fatal("lock released before onSleep(true) returned")
	}
	rec.proceed <- struct{}{}
	waitReleased(t, first)
	select {
	case c := <-logind.Locks():
		c.Pipe.Close()
		t.Fatal("new lock taken before the wake-up")
	default:
	}

	logind.Emit(t, false)
	if got := rec.next(t); got {
		t.Fatalf("onSleep(%v), want onSleep(false)", got)
	}
	rec.proceed <- struct{}{}
	second := nextLock(t, logind)
	ping(t, logind.Conn, second.Sender) // the lock has reached the watcher
	if !held(t, second) {
		t.Fatal("lock taken after the wake-up is not held")
	}

	cancel()
	if err := waitResult(t, errc); err != nil {
		t.Fatalf("WatchSleepOn after cancel: %v, want nil", err)
	}
	waitReleased(t, second)
}

// TestSleepWatcherIgnoresSpoofedSignal checks that PrepareForSleep from a
// peer that does not own org.freedesktop.login1, broadcast or sent
// straight to the watcher, changes nothing.
func TestSleepWatcherIgnoresSpoofedSignal(t *testing.T) {
	addr, _ := startBus(t)
	logind := newFakeLogind(t, addr)
	rec := newSleepRecorder()
	startWatcher(t, addr, rec)
	lock := nextLock(t, logind)

	spoof := dial(t, addr)
	if err := spoof.Emit(logindPath, logindManager+"."+prepareForSleep, true); err != nil {
		t.Fatal(err)
	}
	unicast := &dbus.Message{
		Type: dbus.TypeSignal,
		Headers: map[dbus.HeaderField]dbus.Variant{
			dbus.FieldPath:        dbus.MakeVariant(dbus.ObjectPath(logindPath)),
			dbus.FieldInterface:   dbus.MakeVariant(logindManager),
			dbus.FieldMember:      dbus.MakeVariant(prepareForSleep),
			dbus.FieldDestination: dbus.MakeVariant(string(lock.Sender)),
			dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(true)),
		},
		Body: []any{true},
	}
	if call := spoof.Send(unicast, nil); call.Err != nil {
		t.Fatal(call.Err)
	}
	// Once the watcher has answered, it has received both spoofed
	// signals, and it handles its signals in order.
	ping(t, spoof, lock.Sender)
	logind.Emit(t, false)
	if got := rec.next(t); got {
		t.Fatal("onSleep(true) after a spoofed PrepareForSleep")
	}
	rec.proceed <- struct{}{}
	if !held(t, lock) {
		t.Fatal("lock released after a spoofed PrepareForSleep")
	}
}

// TestWatchSleepWaitsForTheBus starts the watcher before the bus's
// socket and its directory exist: it waits, and takes its lock once the
// socket appears (a link to the socket of a bus on which logind already
// runs); with no bus ever, it returns nil when ctx ends.
func TestWatchSleepWaitsForTheBus(t *testing.T) {
	t.Run("bus later", func(t *testing.T) {
		busAddr, _ := startBus(t)
		logind := newFakeLogind(t, busAddr)
		sock := filepath.Join(t.TempDir(), "run", "dbus", "system_bus_socket")
		errc, _ := startWatcher(t, "unix:path="+sock, newSleepRecorder())
		if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
			t.Fatal(err)
		}
		target, ok := strings.CutPrefix(strings.Split(busAddr, ",")[0], "unix:path=")
		if !ok {
			t.Fatalf("test bus address %q has no path", busAddr)
		}
		if err := os.Symlink(target, sock); err != nil {
			t.Fatal(err)
		}
		nextLock(t, logind) // the watcher connected and asked for its lock
		select {
		case err := <-errc:
			t.Fatalf("WatchSleepOn returned %v, want it watching", err)
		default:
		}
	})
	t.Run("no bus until ctx ends", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "none") // no ',' or ';' in the path: the address has none escaped
		errc, cancel := startWatcher(t, "unix:path="+sock, newSleepRecorder())
		cancel()
		if err := waitResult(t, errc); err != nil {
			t.Fatalf("WatchSleepOn ended while waiting for the bus: %v, want nil", err)
		}
	})
}

// TestWatchSleepErrors checks the failures the daemon logs and carries on
// from: a bus socket nobody listens on, no logind on the bus, and the bus
// going away.
func TestWatchSleepErrors(t *testing.T) {
	t.Run("no listener", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "stale")
		if err := os.WriteFile(sock, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WatchSleepOn(t.Context(), "unix:path="+sock, func(bool) {}); err == nil {
			t.Fatal("WatchSleepOn on a socket nobody listens on returned nil")
		}
	})
	t.Run("no logind", func(t *testing.T) {
		addr, _ := startBus(t)
		if err := WatchSleepOn(t.Context(), addr, func(bool) {}); err == nil {
			t.Fatal("WatchSleepOn without logind returned nil")
		}
	})
	t.Run("bus gone", func(t *testing.T) {
		addr, bus := startBus(t)
		logind := newFakeLogind(t, addr)
		errc, _ := startWatcher(t, addr, newSleepRecorder())
		ping(t, logind.Conn, nextLock(t, logind).Sender) // the lock has reached the watcher
		if err := bus.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := waitResult(t, errc); !errors.Is(err, busclient.ErrClosed) {
			t.Fatalf("WatchSleepOn after the bus exited: %v, want %v", err, busclient.ErrClosed)
		}
	})
}
