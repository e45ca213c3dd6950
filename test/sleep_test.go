//go:build linux

package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"golang.org/x/sys/unix"

	"github.com/leased/leased/test/lab"
)

// sleepStep bounds every wait of the suspend/resume test.
const sleepStep = 10 * time.Second

// logind's D-Bus names (org.freedesktop.login1(5)).
const (
	sleepLogindName    = "org.freedesktop.login1"
	sleepLogindPath    = dbus.ObjectPath("/org/freedesktop/login1")
	sleepLogindManager = "org.freedesktop.login1.Manager"
)

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
	bus := sleepStartBus(t)
	logind := sleepStartLogind(t, bus)
	ifname := l.ClientIf()
	// T1 far off: nothing but the wake-up makes the client send.
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 600 * time.Second, T1: 300 * time.Second})
	d, hookFile := sleepStartDaemon(t, l, bus, ifname)

	first := logind.nextLock(t)
	if want := "sleep|dhclient|delay"; first.args != want {
		t.Errorf("Inhibit(what|who|mode) = %s, want %s", first.args, want)
	}
	a := sleepWaitBound(t, l, hookFile, ifname)
	ctlWaitAddr(t, l, ifname, a, true)

	// Suspend: the lock is the daemon's promise that the pause is over
	// when it lets go, so check the pause the moment it does.
	hooks := ctlMark(hookFile)
	logind.emit(t, true)
	if !sleepHungUp(t, first, sleepStep) {
		t.Fatalf("inhibitor lock still held %v after PrepareForSleep(true)", sleepStep)
	}
	if ctlHasAddr(t, l, ifname, a) {
		t.Errorf("inhibitor lock released while %v was still on %s", a, ifname)
	}
	stopHooks := hooks.since()
	t.Run("STOP hook before lock release", func(t *testing.T) {
		if want := fmt.Sprintf("STOP %s new= old=%v\n", ifname, a.Addr()); !strings.Contains(stopHooks, want) {
			t.Errorf("inhibitor lock released before the STOP hook; hooks since suspend:\n%s", stopHooks)
		}
	})
	select {
	case c := <-logind.locks:
		c.pipe.Close()
		t.Errorf("new inhibitor lock (%s) taken before the wake-up", c.args)
	default:
	}

	// Wake-up: one broadcast REQUEST for the kept address, no DISCOVER.
	hooks, dlog, srvLog := ctlMark(hookFile), ctlMark(d.Log()), ctlMark(srv.Log())
	logind.emit(t, false)
	hooks.wait(t, fmt.Sprintf("REBOOT %s new=%v old=\n", ifname, a.Addr()), sleepStep)
	ctlWaitAddr(t, l, ifname, a, true)
	second := logind.nextLock(t)
	if want := "sleep|dhclient|delay"; second.args != want {
		t.Errorf("Inhibit after wake-up (what|who|mode) = %s, want %s", second.args, want)
	}
	logind.ping(t, second.sender) // the lock has reached the daemon
	if sleepHungUp(t, second, 0) {
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

// sleepStartBus runs a private dbus-daemon and returns its address.
func sleepStartBus(t *testing.T) string {
	t.Helper()
	bin := lab.RequireBinary(t, "dbus-daemon", "dbus-daemon")
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
	return strings.TrimSpace(line)
}

// sleepLogind owns org.freedesktop.login1 on the test bus and answers
// Manager.Inhibit as logind does. Its exported methods are its D-Bus
// interface.
type sleepLogind struct {
	conn  *dbus.Conn
	locks chan sleepLock
}

// sleepLock is one Inhibit call: the caller, "what|who|mode", and the
// read end of the lock's pipe, which reports POLLHUP once the caller has
// closed the write end it was given.
type sleepLock struct {
	sender dbus.Sender
	args   string
	pipe   *os.File
}

func sleepStartLogind(t *testing.T, bus string) *sleepLogind {
	t.Helper()
	conn, err := dbus.Connect(bus)
	if err != nil {
		t.Fatalf("connect to test bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	f := &sleepLogind{conn: conn, locks: make(chan sleepLock, 4)}
	if err := conn.Export(f, sleepLogindPath, sleepLogindManager); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(sleepLogindName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request %s: reply %v, %v", sleepLogindName, reply, err)
	}
	return f
}

// Inhibit hands out the write end of a new pipe. The reply is sent here
// rather than returned so that this side's copy of the write end can be
// closed once it is on its way; only then does the caller's close show
// as a hang-up on the read end. (godbus then sends an empty second
// reply, which the caller drops as unmatched.)
func (f *sleepLogind) Inhibit(msg dbus.Message, sender dbus.Sender, what, who, why, mode string) *dbus.Error {
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
	f.locks <- sleepLock{sender: sender, args: what + "|" + who + "|" + mode, pipe: r}
	return nil
}

// emit broadcasts PrepareForSleep(suspending) as logind.
func (f *sleepLogind) emit(t *testing.T, suspending bool) {
	t.Helper()
	if err := f.conn.Emit(sleepLogindPath, sleepLogindManager+".PrepareForSleep", suspending); err != nil {
		t.Fatal(err)
	}
}

// nextLock waits for the next Inhibit call.
func (f *sleepLogind) nextLock(t *testing.T) sleepLock {
	t.Helper()
	select {
	case c := <-f.locks:
		t.Cleanup(func() { c.pipe.Close() })
		return c
	case <-time.After(sleepStep):
		t.Fatalf("no Inhibit call within %v", sleepStep)
		return sleepLock{}
	}
}

// ping calls Peer.Ping on peer, which godbus answers by itself: the bus
// keeps one sender's messages in order, so once it answers, peer has
// everything sent to it before.
func (f *sleepLogind) ping(t *testing.T, peer dbus.Sender) {
	t.Helper()
	call := f.conn.Object(string(peer), "/").CallWithContext(t.Context(), "org.freedesktop.DBus.Peer.Ping", 0)
	if call.Err != nil {
		t.Fatalf("ping %s: %v", peer, call.Err)
	}
}

// sleepHungUp reports whether the holder of c has closed its end within
// timeout (0: right now).
func sleepHungUp(t *testing.T, c sleepLock, timeout time.Duration) bool {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(c.pipe.Fd()), Events: unix.POLLIN}}
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
