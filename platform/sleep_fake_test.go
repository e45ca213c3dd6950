//go:build linux

package platform

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/leased/leased/platform/platformtest"
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
	return platformtest.StartBus(t, bin)
}

// fakeLogind is logind on the test bus (package platformtest).
type fakeLogind = platformtest.Logind

// inhibitCall is one Inhibit call on it.
type inhibitCall = platformtest.Lock

func newFakeLogind(t *testing.T, addr string) *fakeLogind { return platformtest.StartLogind(t, addr) }

func dial(t *testing.T, addr string) *dbus.Conn { return platformtest.Dial(t, addr) }

// nextLock waits waitLimit for the next Inhibit call.
func nextLock(t *testing.T, l *fakeLogind) inhibitCall { return l.NextLock(t, waitLimit) }

// lockArgs renders a call's arguments as "what|who|why|mode".
func lockArgs(c inhibitCall) string { return strings.Join([]string{c.What, c.Who, c.Why, c.Mode}, "|") }

// held reports whether the caller still holds the lock's write end.
func held(t *testing.T, c inhibitCall) bool {
	t.Helper()
	return !platformtest.HungUp(t, c, 0)
}

// waitReleased fails the test unless the lock is released within waitLimit.
func waitReleased(t *testing.T, c inhibitCall) {
	t.Helper()
	if !platformtest.HungUp(t, c, waitLimit) {
		t.Fatal("inhibitor lock still held")
	}
}

func ping(t *testing.T, conn *dbus.Conn, peer dbus.Sender) { platformtest.Ping(t, conn, peer) }

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
