//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/platform/platformtest"
	"github.com/leased/leased/test/lab"
)

// sleepStep bounds every wait of the suspend/resume test.
const sleepStep = 10 * time.Second

// TestPrepareForSleepPausesAndResumes drives the daemon through one
// suspend and wake-up announced by logind (SPEC §1.4) and checks the
// delay inhibitor protocol around it: the lock is released only once the
// STOP hook has run and the address is gone, and a new one is taken
// after the wake-up, which is an INIT-REBOOT (RFC 2131 §3.2).
//
// logind is a fake on a private dbus-daemon that the daemon reaches
// through $DBUS_SYSTEM_BUS_ADDRESS. The bus listens on a unix:path=
// socket: a socket in the file system is reachable from the client's
// network namespace, which shares the file system, whereas an abstract
// socket belongs to the network namespace it was bound in.
func TestPrepareForSleepPausesAndResumes(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	bus, _ := platformtest.StartBus(t, lab.RequireBinary(t, "dbus-daemon", "dbus-daemon"))
	logind := platformtest.StartLogind(t, bus)
	ifname := l.ClientIf()
	// T1 far off: nothing but the wake-up makes the client send.
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 600 * time.Second, T1: 300 * time.Second})
	d, hookFile := sleepStartDaemon(t, l, bus, ifname)

	first := logind.NextLock(t, sleepStep)
	if want := "sleep|dhclient|delay"; sleepLockArgs(first) != want {
		t.Errorf("Inhibit(what|who|mode) = %s, want %s", sleepLockArgs(first), want)
	}
	a := sleepWaitBound(t, l, hookFile, ifname)
	ctlWaitAddr(t, l, ifname, a, true)

	// Suspend: the lock is the daemon's promise that the pause is over
	// when it lets go, so check the pause the moment it does.
	hooks := ctlMark(hookFile)
	logind.Emit(t, true)
	if !platformtest.HungUp(t, first, sleepStep) {
		t.Fatalf("inhibitor lock still held %v after PrepareForSleep(true)", sleepStep)
	}
	if l.HasPrefix(t, ifname, a) {
		t.Errorf("inhibitor lock released while %v was still on %s", a, ifname)
	}
	stopHooks := hooks.since()
	t.Run("STOP hook before lock release", func(t *testing.T) {
		if want := fmt.Sprintf("STOP %s new= old=%v\n", ifname, a.Addr()); !strings.Contains(stopHooks, want) {
			t.Errorf("inhibitor lock released before the STOP hook; hooks since suspend:\n%s", stopHooks)
		}
	})
	select {
	case c := <-logind.Locks():
		c.Pipe.Close()
		t.Errorf("new inhibitor lock (%s) taken before the wake-up", sleepLockArgs(c))
	default:
	}

	// Wake-up: one broadcast REQUEST for the kept address, no DISCOVER.
	hooks, dlog, srvLog := ctlMark(hookFile), ctlMark(d.Log()), ctlMark(srv.Log())
	logind.Emit(t, false)
	hooks.wait(t, fmt.Sprintf("REBOOT %s new=%v old=\n", ifname, a.Addr()), sleepStep)
	ctlWaitAddr(t, l, ifname, a, true)
	second := logind.NextLock(t, sleepStep)
	if want := "sleep|dhclient|delay"; sleepLockArgs(second) != want {
		t.Errorf("Inhibit after wake-up (what|who|mode) = %s, want %s", sleepLockArgs(second), want)
	}
	platformtest.Ping(t, logind.Conn, second.Sender) // the lock has reached the daemon
	if platformtest.HungUp(t, second, 0) {
		t.Error("inhibitor lock taken after the wake-up is not held")
	}
	want := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", a.Addr(), ifname)
	if got := dlog.lines("DHCP"); len(got) != 2 || !strings.Contains(got[0], want) ||
		!strings.Contains(got[1], "DHCPACK of "+a.Addr().String()) {
		t.Errorf("client after wake-up logged:\n%s\nwant %q and its DHCPACK", strings.Join(got, "\n"), want)
	}
	if got := srvLog.lines("DHCPREQUEST("); len(got) != 1 || !strings.Contains(got[0], a.Addr().String()) {
		t.Errorf("server after wake-up got requests:\n%s\nwant one for %v", strings.Join(got, "\n"), a.Addr())
	}
	if got := srvLog.lines("DHCPDISCOVER("); len(got) != 0 {
		t.Errorf("server after wake-up got discovers:\n%s", strings.Join(got, "\n"))
	}
}

// sleepStartDaemon runs `dhclient -d -v` for ifname with the system bus
// at bus, and returns it with the path of its hook record.
func sleepStartDaemon(t *testing.T, l *lab.Lab, bus, ifname string) (*lab.Proc, string) {
	t.Helper()
	script, err := filepath.Abs("testdata/sleep-hook.sh")
	if err != nil {
		t.Fatal(err)
	}
	conf, err := filepath.Abs("testdata/sleep-dhclient.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hooks := filepath.Join(dir, "hooks")
	cmd := lab.Command(l.ClientNS(), dhclientBin, "-d", "-v", "-cf", conf, "-sf", script,
		"-lf", filepath.Join(dir, "dhclient.leases"), "-pf", filepath.Join(dir, "dhclient.pid"),
		"-e", "SLEEP_HOOK_LOG="+hooks, ifname)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+bus)
	p := lab.StartCmd(t, cmd, filepath.Join(dir, "dhclient.log"))
	t.Cleanup(func() {
		if t.Failed() {
			h, _ := os.ReadFile(hooks)
			dl, _ := os.ReadFile(p.Log())
			t.Logf("--- hooks ---\n%s--- daemon log ---\n%s", h, dl)
		}
	})
	return p, hooks
}

// sleepWaitBound waits for the BOUND hook of ifname and returns its
// address, with the lab subnet's prefix length that dnsmasq hands out.
func sleepWaitBound(t *testing.T, l *lab.Lab, hookFile, ifname string) netip.Prefix {
	t.Helper()
	m := ctlLogMark{file: hookFile} // from the start: the bind may be done already
	prefix := "BOUND " + ifname + " new="
	m.wait(t, prefix, ctlBindTimeout)
	line := m.lines(prefix)[0]
	a, err := netip.ParseAddr(strings.Fields(strings.TrimPrefix(line, prefix))[0])
	if err != nil {
		t.Fatalf("BOUND hook %q: %v", line, err)
	}
	return netip.PrefixFrom(a, l.Subnet().Bits())
}

// sleepLockArgs renders an Inhibit call as "what|who|mode".
func sleepLockArgs(c platformtest.Lock) string { return c.What + "|" + c.Who + "|" + c.Mode }
