//go:build linux

package platform

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"
)

// waitLimit bounds every wait on the bus so that a broken watcher fails
// the test instead of hanging it; nothing here sleeps.
const waitLimit = 10 * time.Second

// startBus runs a private dbus-daemon (from the Debian package dbus-daemon)
// and returns its address and the process. The test skips when the
// program is not installed.
func startBus(t *testing.T) (string, *os.Process) {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skipf("dbus-daemon not installed (Debian package dbus-daemon): %v", err)
	}
	addr := "unix:path=" + filepath.Join(t.TempDir(), "bus")
	cmd := exec.Command(bin, "--session", "--nofork", "--nopidfile", "--print-address", "--address="+addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The daemon prints its address once it listens.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(line), cmd.Process
}

// fakeLogind owns org.freedesktop.login1 on a test bus and implements the
// part of logind's Manager that the watcher uses.
type fakeLogind struct {
	conn  *dbus.Conn
	locks chan inhibitCall
}

// inhibitCall records one Inhibit call: the caller, its arguments and the
// read end of the lock's pipe, which reports POLLHUP once the caller has
// closed its end.
type inhibitCall struct {
	sender dbus.Sender
	args   string
	pipe   *os.File
}

func newFakeLogind(t *testing.T, addr string) *fakeLogind {
	t.Helper()
	conn := dial(t, addr)
	f := &fakeLogind{conn: conn, locks: make(chan inhibitCall, 4)}
	if err := conn.Export(f, logindPath, logindManager); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(logindName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request %s: reply %v, %v", logindName, reply, err)
	}
	return f
}

func dial(t *testing.T, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Inhibit answers as logind does, with one end of a pipe. The reply is
// sent here rather than returned, so that the fake's own copy of the
// write end can be closed once it has been passed on: only then does the
// caller's close show as POLLHUP on the read end. (godbus then sends an
// empty second reply, which the caller ignores as unmatched.)
func (f *fakeLogind) Inhibit(msg dbus.Message, sender dbus.Sender, what, who, why, mode string) *dbus.Error {
	r, w, err := os.Pipe()
	if err != nil {
		return dbus.MakeFailedError(err)
	}
	defer w.Close()
	reply := &dbus.Message{
		Type: dbus.TypeMethodReply,
		Headers: map[dbus.HeaderField]dbus.Variant{
			dbus.FieldDestination: dbus.MakeVariant(string(sender)),
			dbus.FieldReplySerial: dbus.MakeVariant(msg.Serial()),
			dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(dbus.UnixFD(0))),
		},
		Body: []any{dbus.UnixFD(w.Fd())},
	}
	if call := f.conn.Send(reply, nil); call.Err != nil {
		r.Close()
		return dbus.MakeFailedError(call.Err)
	}
	f.locks <- inhibitCall{sender: sender, args: strings.Join([]string{what, who, why, mode}, "|"), pipe: r}
	return nil
}

func (f *fakeLogind) emit(t *testing.T, suspending bool) {
	t.Helper()
	if err := f.conn.Emit(logindPath, logindManager+"."+prepareForSleep, suspending); err != nil {
		t.Fatal(err)
	}
}

func (f *fakeLogind) nextLock(t *testing.T) inhibitCall {
	t.Helper()
	select {
	case c := <-f.locks:
		t.Cleanup(func() { c.pipe.Close() })
		return c
	case <-time.After(waitLimit):
		t.Fatal("no Inhibit call")
		return inhibitCall{}
	}
}

// held reports whether the caller still holds the lock's write end.
func held(t *testing.T, c inhibitCall) bool {
	t.Helper()
	return !hungUp(t, c, 0)
}

// waitReleased fails the test unless the lock is released within waitLimit.
func waitReleased(t *testing.T, c inhibitCall) {
	t.Helper()
	if !hungUp(t, c, int(waitLimit/time.Millisecond)) {
		t.Fatal("inhibitor lock still held")
	}
}

func hungUp(t *testing.T, c inhibitCall, timeoutMS int) bool {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(c.pipe.Fd()), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, timeoutMS)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("poll lock pipe: %v", err)
		}
		return fds[0].Revents&unix.POLLHUP != 0
	}
}

// ping calls Peer.Ping on peer, which godbus answers by itself. The bus
// keeps one sender's messages in order, so when the answer comes the
// peer has received everything conn sent before.
func ping(t *testing.T, conn *dbus.Conn, peer dbus.Sender) {
	t.Helper()
	call := conn.Object(string(peer), "/").CallWithContext(t.Context(), "org.freedesktop.DBus.Peer.Ping", 0)
	if call.Err != nil {
		t.Fatalf("ping %s: %v", peer, call.Err)
	}
}

// sleepRecorder is an onSleep callback that reports each call on calls
// and returns only when the test lets it, so the test can look at the
// lock while the callback is still running.
type sleepRecorder struct {
	calls   chan bool
	proceed chan struct{}
}

func newSleepRecorder() *sleepRecorder {
	return &sleepRecorder{calls: make(chan bool, 8), proceed: make(chan struct{})}
}

func (r *sleepRecorder) onSleep(suspending bool) {
	r.calls <- suspending
	<-r.proceed
}

func (r *sleepRecorder) next(t *testing.T) bool {
	t.Helper()
	select {
	case s := <-r.calls:
		return s
	case <-time.After(waitLimit):
		t.Fatal("onSleep not called")
		return false
	}
}

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

	first := logind.nextLock(t)
	if want := "sleep|dhclient|release or pause DHCP leases before suspend|delay"; first.args != want {
		t.Errorf("Inhibit(%s), want Inhibit(%s)", first.args, want)
	}
	logind.emit(t, true)
	if got := rec.next(t); !got {
		t.Fatalf("onSleep(%v), want onSleep(true)", got)
	}
	if !held(t, first) {
		t.Fatal("lock released before onSleep(true) returned")
	}
	rec.proceed <- struct{}{}
	waitReleased(t, first)
	select {
	case c := <-logind.locks:
		c.pipe.Close()
		t.Fatal("new lock taken before the wake-up")
	default:
	}

	logind.emit(t, false)
	if got := rec.next(t); got {
		t.Fatalf("onSleep(%v), want onSleep(false)", got)
	}
	rec.proceed <- struct{}{}
	second := logind.nextLock(t)
	ping(t, logind.conn, second.sender) // the lock has reached the watcher
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
	lock := logind.nextLock(t)

	spoof := dial(t, addr)
	if err := spoof.Emit(logindPath, logindManager+"."+prepareForSleep, true); err != nil {
		t.Fatal(err)
	}
	unicast := &dbus.Message{
		Type: dbus.TypeSignal,
		Headers: map[dbus.HeaderField]dbus.Variant{
			dbus.FieldPath:        dbus.MakeVariant(logindPath),
			dbus.FieldInterface:   dbus.MakeVariant(logindManager),
			dbus.FieldMember:      dbus.MakeVariant(prepareForSleep),
			dbus.FieldDestination: dbus.MakeVariant(string(lock.sender)),
			dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(true)),
		},
		Body: []any{true},
	}
	if call := spoof.Send(unicast, nil); call.Err != nil {
		t.Fatal(call.Err)
	}
	// Once the watcher has answered, it has received both spoofed
	// signals, and it handles its signals in order.
	ping(t, spoof, lock.sender)
	logind.emit(t, false)
	if got := rec.next(t); got {
		t.Fatal("onSleep(true) after a spoofed PrepareForSleep")
	}
	rec.proceed <- struct{}{}
	if !held(t, lock) {
		t.Fatal("lock released after a spoofed PrepareForSleep")
	}
}

// TestWatchSleepErrors checks the failures the daemon logs and carries on
// from: no bus, no logind on the bus, and the bus going away.
func TestWatchSleepErrors(t *testing.T) {
	t.Run("no bus", func(t *testing.T) {
		addr := "unix:path=" + filepath.Join(t.TempDir(), "none")
		if err := WatchSleepOn(t.Context(), addr, func(bool) {}); err == nil {
			t.Fatal("WatchSleepOn without a bus returned nil")
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
		ping(t, logind.conn, logind.nextLock(t).sender) // the lock has reached the watcher
		if err := bus.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := waitResult(t, errc); !errors.Is(err, errBusClosed) {
			t.Fatalf("WatchSleepOn after the bus exited: %v, want %v", err, errBusClosed)
		}
	})
}
