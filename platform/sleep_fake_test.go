//go:build linux

package platform

import (
	"bufio"
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
