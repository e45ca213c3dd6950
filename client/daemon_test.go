package client_test

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// A failed link subscription is started again, and the carrier states
// known before it count: a carrier lost while no subscription ran shows
// in the new one's full list and reaches the runner.
func TestDaemonLinkWatchResubscribesAfterError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.start()
		sub := <-r.linkWatch.Subs
		sub.Report("eth0", true) // the first report only records the state
		r.bind("eth0", 600)
		<-r.ready
		sub.Fail(errors.New("netlink receive buffer overrun"))

		sub = <-r.linkWatch.Subs
		sub.Report("eth0", false)
		synctest.Wait()
		if got := r.notes.Lines(); !slices.Contains(got, "STATUS=eth0: LINK-DOWN 10.0.0.50/24") {
			t.Errorf("status lines %q, want eth0 LINK-DOWN after the new subscription's report", got)
		}
		sub.Report("eth0", true)
		// Carrier back: INIT-REBOOT asks for the kept address again.
		req := expectSent(t, r.links["eth0"], dhcp4.Request)
		if got, _ := req.Msg().Options.Addr(dhcp4.OptRequestedIP); got != clientAddr {
			t.Errorf("REQUEST after carrier came back asks for %v, want %v", got, clientAddr)
		}
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if !strings.Contains(r.log.String(), "link watch failed; retrying") {
			t.Errorf("log lacks the failed subscription:\n%s", r.log)
		}
	})
}

// A watch that keeps failing is retried with a growing delay, never in
// a busy loop: the attempts stay few within a fake hour.
func TestDaemonLinkWatchBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		drained := r.drain("eth0") // no server: DISCOVERs all hour
		r.start()
		start, attempts := time.Now(), 0
		for time.Since(start) < time.Hour {
			sub := <-r.linkWatch.Subs
			attempts++
			sub.Fail(errors.New("no netlink"))
		}
		// 1, 2, 4, ... 32 s, then a minute apart: about 60 in an hour.
		if attempts > 70 {
			t.Errorf("%d subscriptions in an hour, want a back-off", attempts)
		}
		r.stop()
		close(drained)
	})
}

// SIGHUP while a runner saves the lease file: the reload turns on DUID
// client identifiers, which creates the file's DUID. It is created under
// the store's lock (go test -race finds the old write outside it), and
// the runners' next messages carry it.
func TestDaemonReloadDuringLeaseSave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0", "eth1")
		r.start()
		r.bind("eth0", 600)
		r.writeConf(nativeConf + "client-id duid;\n")
		r.hup <- syscall.SIGHUP
		r.bind("eth1", 600) // saves the lease file while the reload runs
		<-r.ready
		renew := expectSent(t, r.links["eth1"], dhcp4.Request) // at T1
		id, _ := renew.Msg().Options.Get(dhcp4.OptClientID)
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		duid := r.leaseFile().DefaultDUID
		if len(duid) == 0 || len(id) < 5 || id[0] != 0xff || !bytes.Equal(id[5:], duid) {
			t.Errorf("renewal client id %x, want 0xff, IAID and the lease file's DUID %x", id, duid)
		}
		if !strings.Contains(r.log.String(), "configuration reloaded") {
			t.Errorf("log lacks the reload:\n%s", r.log)
		}
	})
}

// A configuration that no longer parses leaves everything as it was.
func TestDaemonReloadOfUnreadableFileKeepsSettings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		// A directory where the file was: unreadable, unlike a missing
		// file, which is an empty configuration.
		if err := os.Remove(r.path("dhclient.conf")); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(r.path("dhclient.conf"), 0o755); err != nil {
			t.Fatal(err)
		}
		r.hup <- syscall.SIGHUP
		synctest.Wait()
		r.stop()
		if log := r.log.String(); !strings.Contains(log, "reload configuration") || strings.Contains(log, "configuration reloaded") {
			t.Errorf("log does not show a failed reload:\n%s", log)
		}
	})
}

// Run returns only once every goroutine it started has ended: runners,
// socket readers, hook queues, watches, status, watchdog and reload.
// The bubble would fail the test if one outlived it, blocked; the count
// catches one still running too.
func TestDaemonShutdownJoinsItsGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := bubbleGoroutines()
		r := newDaemonRig(t, nativeConf, "eth0", "eth1")
		r.d.System.Watchdog = 20 * time.Second
		r.d.System.SleptFor = func() time.Duration { return 0 }
		r.start()
		<-r.linkWatch.Subs
		<-r.sleepWatch.Subs
		r.bind("eth0", 600)
		r.bind("eth1", 600)
		<-r.ready
		time.Sleep(time.Minute) // the watchdog ticks
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		synctest.Wait()
		if after := bubbleGoroutines(); len(after) != len(before) {
			t.Errorf("%d goroutines before Run, %d after:\n%s", len(before), len(after), strings.Join(after, "\n\n"))
		}
	})
}

// bubbleGoroutines returns the stacks of the goroutines in the caller's
// synctest bubble. runtime.NumGoroutine would count the runtime's
// finalizer goroutine too, whenever a collection has closed a file.
func bubbleGoroutines() []string {
	buf := make([]byte, 1<<20)
	var out []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		head, _, _ := strings.Cut(g, "\n")
		if strings.Contains(head, "synctest bubble") {
			out = append(out, g)
		}
	}
	return out
}

// systemd hears READY=1 once every interface is bound, STATUS= lines
// that follow the states, keep-alives while the runners answer, and
// STOPPING=1 at the end.
func TestDaemonTellsSystemd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.d.System.Watchdog = 20 * time.Second
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		time.Sleep(15 * time.Second)
		r.stop()
		got := r.notes.Lines()
		for _, want := range []string{"READY=1", "STATUS=eth0: BOUND 10.0.0.50/24", "WATCHDOG=1"} {
			if !slices.Contains(got, want) {
				t.Errorf("systemd heard %q, want %q among them", got, want)
			}
		}
		if got[len(got)-1] != "STOPPING=1" {
			t.Errorf("systemd heard %q last, want STOPPING=1", got[len(got)-1])
		}
	})
}

// Before a suspend every interface is paused, its STOP hook run, before
// the watch lets the system sleep; after the wake-up it asks for its
// address again. A lost bus connection is subscribed to again.
func TestDaemonSleepWatchPausesAndResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.start()
		sub := <-r.sleepWatch.Subs
		r.bind("eth0", 600)
		<-r.ready
		sub.Announce(true)
		if got := r.links["eth0"].Calls(); !slices.Contains(got, "deconfigure 10.0.0.50/24") {
			t.Errorf("kernel calls %q before the suspend, want the address removed", got)
		}
		if got := r.hooks(); got[len(got)-1] != "eth0 STOP" {
			t.Errorf("hooks %q before the suspend, want STOP last", got)
		}
		sub.Fail(errors.New("bus connection closed"))
		sub = <-r.sleepWatch.Subs
		sub.Announce(false)
		expectSent(t, r.links["eth0"], dhcp4.Request)
		r.stop()
	})
}

// An interface whose script configures it is not paused for a suspend,
// as ISC's dhclient is not: no STOP reaches NetworkManager's helper, and
// nothing is asked again on the wake-up; those leased configures are.
// With none of those the daemon does not watch for sleep at all, and
// takes no logind lock.
func TestDaemonSleepWatchLeavesScriptModeAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf+"interface \"eth1\" { configure-interface script; }\n", "eth0", "eth1")
		r.start()
		sub := <-r.sleepWatch.Subs
		r.bind("eth0", 600)
		r.bind("eth1", 600)
		<-r.ready
		sub.Announce(true)
		sub.Announce(false)
		synctest.Wait()
		hooks := r.hooks()
		if !slices.Contains(hooks, "eth0 STOP") || slices.Contains(hooks, "eth1 STOP") {
			t.Errorf("hooks %q around a suspend, want eth0's STOP and none of eth1's", hooks)
		}
		select {
		case d := <-r.links["eth1"].Sent:
			t.Errorf("eth1 sent %v after the wake-up, want nothing", d.Msg().Type())
		default:
		}
		r.stop()
	})
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, "configure-interface script;\n", "eth0")
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		synctest.Wait()
		select {
		case <-r.sleepWatch.Subs:
			t.Error("the daemon watches for sleep with no interface of its own to pause")
		default:
		}
		r.stop()
	})
}

// A carrier change after a suspend nobody announced: the boot clock shows
// the sleep, and every runner re-checks its deadlines at once.
func TestDaemonNoticesUnannouncedSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		slept := make(chan time.Duration, 1)
		r.d.System.SleptFor = func() time.Duration {
			select {
			case d := <-slept:
				return d
			default:
				return 0
			}
		}
		r.start()
		sub := <-r.linkWatch.Subs
		sub.Report("eth0", true)
		r.bind("eth0", 600)
		<-r.ready
		slept <- 2 * time.Hour
		sub.Report("eth0", true)
		synctest.Wait()
		r.stop()
		log := r.log.String()
		if !strings.Contains(log, "system slept for 2h0m0s; re-checking leases") {
			t.Errorf("log lacks the sleep:\n%s", log)
		}
		if want := "event state=BOUND event=" + (statemachine.WokeUp{}).String(); !strings.Contains(log, want) {
			t.Errorf("log lacks %q: the runner did not re-check\n%s", want, log)
		}
	})
}
