package client_test

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/statemachine/dhcp4"
)

// The signal handlers go in once the first DHCPDISCOVER is out, off its
// way (Daemon.Trap), and once only.
func TestDaemonTrapsSignalsAfterFirstDiscover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		l := r.links["eth0"]
		var calls, sentBefore atomic.Int32
		r.d.Trap = func() {
			sentBefore.Store(int32(len(l.Sent)))
			calls.Add(1)
		}
		r.start()
		synctest.Wait()
		if n := calls.Load(); n != 1 {
			t.Fatalf("Trap called %d times, want once", n)
		}
		if n := sentBefore.Load(); n < 1 {
			t.Errorf("Trap called with %d messages sent, want it after the first DISCOVER", n)
		}
		expectSent(t, l, dhcp4.Discover)
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

// Without interfaces, the handlers go in before the NBI hook, which a
// SIGTERM then ends as it ends any other.
func TestDaemonWithoutInterfacesTrapsSignals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf)
		r.d.NoIfaces = true
		trapped := false
		r.d.Trap = func() {
			_, err := os.Stat(r.path("hooks")) // the hook's record
			trapped = errors.Is(err, os.ErrNotExist)
		}
		if err := r.d.Run(t.Context()); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if !trapped {
			t.Error("Trap not called before the NBI hook")
		}
	})
}
