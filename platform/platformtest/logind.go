//go:build linux

// Package platformtest has fakes of the system services that package
// platform talks to, shared by its own tests and the end-to-end tests: a
// private D-Bus daemon, and a logind that hands out inhibitor locks and
// announces sleep.
package platformtest

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

// Names logind uses on the system bus.
const (
	LogindName    = "org.freedesktop.login1"
	LogindPath    = dbus.ObjectPath("/org/freedesktop/login1")
	LogindManager = "org.freedesktop.login1.Manager"
)

// StartBus runs dbus-daemon bin on a socket in a temporary directory (a
// path, so that it is reachable from other network namespaces) and
// returns its address and process; it is killed at cleanup.
func StartBus(t testing.TB, bin string) (string, *os.Process) {
	t.Helper()
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
	// dbus-daemon prints its address once it listens.
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("read dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(line), cmd.Process
}

// Dial connects to the bus at addr until cleanup.
func Dial(t testing.TB, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect to test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Lock is one Inhibit call: the caller, its arguments, and the read end
// of the lock's pipe, which reports POLLHUP once the caller has closed
// the write end it was given.
type Lock struct {
	Sender               dbus.Sender
	What, Who, Why, Mode string
	Pipe                 *os.File
}

// Logind owns org.freedesktop.login1 on a test bus and answers
// Manager.Inhibit as logind does.
type Logind struct {
	Conn  *dbus.Conn
	locks chan Lock
}

// StartLogind connects to the bus at addr and takes logind's name there.
func StartLogind(t testing.TB, addr string) *Logind {
	t.Helper()
	l := &Logind{Conn: Dial(t, addr), locks: make(chan Lock, 4)}
	if err := l.Conn.Export(manager{l}, LogindPath, LogindManager); err != nil {
		t.Fatal(err)
	}
	reply, err := l.Conn.RequestName(LogindName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request %s: reply %v, %v", LogindName, reply, err)
	}
	return l
}

// manager is the exported D-Bus object: only its methods are callable.
type manager struct{ l *Logind }

// Inhibit hands out the write end of a new pipe. The reply is sent here
// rather than returned so that this side's copy of the write end can be
// closed once it is on its way: only then does the caller's close show
// as a hang-up on the read end. (godbus then sends an empty second reply,
// which the caller drops as unmatched.)
func (m manager) Inhibit(msg dbus.Message, sender dbus.Sender, what, who, why, mode string) *dbus.Error {
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
	if call := m.l.Conn.Send(reply, nil); call.Err != nil {
		r.Close()
		return dbus.MakeFailedError(call.Err)
	}
	m.l.locks <- Lock{Sender: sender, What: what, Who: who, Why: why, Mode: mode, Pipe: r}
	return nil
}

// Locks delivers the Inhibit calls, in order.
func (l *Logind) Locks() <-chan Lock { return l.locks }

// NextLock waits up to timeout for the next Inhibit call; its pipe is
// closed at cleanup.
func (l *Logind) NextLock(t testing.TB, timeout time.Duration) Lock {
	t.Helper()
	select {
	case c := <-l.locks:
		t.Cleanup(func() { c.Pipe.Close() })
		return c
	case <-time.After(timeout):
		t.Fatalf("no Inhibit call within %v", timeout)
		return Lock{}
	}
}

// Emit broadcasts PrepareForSleep(suspending) as logind does.
func (l *Logind) Emit(t testing.TB, suspending bool) {
	t.Helper()
	if err := l.Conn.Emit(LogindPath, LogindManager+".PrepareForSleep", suspending); err != nil {
		t.Fatal(err)
	}
}

// Ping calls Peer.Ping on peer through conn, which godbus answers by
// itself: the bus keeps one sender's messages in order, so once it
// answers, peer has everything conn sent it before.
func Ping(t testing.TB, conn *dbus.Conn, peer dbus.Sender) {
	t.Helper()
	call := conn.Object(string(peer), "/").Call("org.freedesktop.DBus.Peer.Ping", 0)
	if call.Err != nil {
		t.Fatalf("ping %s: %v", peer, call.Err)
	}
}

// HungUp reports whether the holder of lock has closed its end within
// timeout (0: right now).
func HungUp(t testing.TB, lock Lock, timeout time.Duration) bool {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(lock.Pipe.Fd()), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, int(timeout/time.Millisecond))
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			t.Fatalf("poll inhibitor pipe: %v", err)
		}
		return fds[0].Revents&unix.POLLHUP != 0
	}
}
