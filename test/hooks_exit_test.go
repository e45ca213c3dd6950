//go:build linux

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestHangingHookIsKilled makes the BOUND call of the script hang in a
// child that never ends. With hook-timeout 2 in dhclient.conf the script
// and its child are killed by that timeout, the lease is not declined,
// and the client renews at the server's T1 (4 s) as usual.
func TestHangingHookIsKilled(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.LeaseTime, opts.T1, opts.T2 = 120*time.Second, 4*time.Second, 100*time.Second
	srv := l.StartDnsmasq(t, opts)
	c := newHookClient(t, l, "hook-timeout 2;\n")
	c.control(t, "hang-BOUND", "")
	c.start(t, "")

	bound := c.waitDump(t, "BOUND", 1, 30*time.Second)
	// The script got as far as its hang: it wrote both pids.
	script := hookPidFile(t, filepath.Join(c.dumps, "hang.pid"))
	child := hookPidFile(t, filepath.Join(c.dumps, "sleep.pid"))
	lab.WaitGone(t, script, 10*time.Second)
	lab.WaitGone(t, child, 5*time.Second)
	// It was the configured timeout that killed them, and the kill is
	// logged before the hook's failure.
	log := filepath.Join(c.dir, "dhclient.log")
	killed := "hook timed out, killed hook=" + c.script + " reason=BOUND timeout=2s"
	lab.WaitLog(t, log, "hook failed hook="+c.script+" reason=BOUND", 5*time.Second)
	if text := lab.ReadFile(t, log); !inOrder(text, "bound to "+hookAddr(t, bound, "new_ip_address").String(), killed, "hook failed hook=") {
		t.Errorf("want the bind, %q and the hook failure in that order:\n%s", killed, text)
	}

	renew := c.waitDump(t, "RENEW", 1, 20*time.Second)
	addr := hookAddr(t, bound, "new_ip_address")
	if a, o := hookAddr(t, renew, "new_ip_address"), hookAddr(t, renew, "old_ip_address"); a != addr || o != addr {
		t.Errorf("RENEW new_ip_address=%v old_ip_address=%v, want both %v", a, o, addr)
	}
	if !l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("%v not configured after the renewal", addr)
	}
	ack := fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addr)
	lab.PollUntil(t, 5*time.Second, func() bool { return strings.Count(lab.ReadFile(t, srv.Log()), ack) >= 2 },
		func() string { return "the server did not acknowledge a renewal:\n" + lab.ReadFile(t, srv.Log()) })

	if log := lab.ReadFile(t, srv.Log()); strings.Contains(log, "DHCPDECLINE(") {
		t.Errorf("a killed hook made no decision, yet the client declined:\n%s", log)
	}
}

// TestBoundHookFailureDeclines makes the script exit 1 on BOUND: the
// client sends DHCPDECLINE for the address, removes it, and after
// --decline-wait-time 1 starts over with a new DISCOVER.
func TestBoundHookFailureDeclines(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, l.DefaultOpts())
	c := newHookClient(t, l, "")
	c.control(t, "exit-BOUND", "1\n")
	c.start(t, "", "--decline-wait-time", "1")

	first := hookAddr(t, c.waitDump(t, "BOUND", 1, 30*time.Second), "new_ip_address")
	decline := fmt.Sprintf("DHCPDECLINE(%s) %v ", l.ServerIf(), first)
	srv.WaitLog(t, decline, 10*time.Second)
	// The retry: a DISCOVER after the DECLINE. The polling limit stays
	// below ISC's default wait of 10 s, so a client that ignored
	// --decline-wait-time would miss it; the wait itself is the state
	// machine's (arm +DeclineWait after DHCPDECLINE, tested on fixed
	// times).
	lab.PollUntil(t, 6*time.Second, func() bool {
		_, after, _ := strings.Cut(lab.ReadFile(t, srv.Log()), decline)
		return strings.Contains(after, fmt.Sprintf("DHCPDISCOVER(%s) ", l.ServerIf()))
	}, func() string { return "no DISCOVER after the DECLINE:\n" + lab.ReadFile(t, srv.Log()) })

	// In the client: the failed hook, the DECLINE, the wait in INIT, and
	// only then the new DISCOVER (its log may trail the packet a little).
	steps := []string{"reason=BOUND status=1", "DHCPDECLINE of " + first.String(),
		"state change from=BOUND to=INIT", "DHCPDISCOVER on ", "state change from=INIT to=SELECTING"}
	lab.PollUntil(t, 10*time.Second, func() bool { return inOrder(c.logText(t), steps...) },
		func() string { return fmt.Sprintf("%q in order in the client log:\n%s", steps, c.logText(t)) })

	lab.PollUntil(t, 5*time.Second, func() bool { return !l.HasAddr(t, l.ClientIf(), first) },
		func() string { return fmt.Sprintf("declined %v still on %s", first, l.ClientIf()) })

	// The new attempt binds again and runs BOUND again.
	c.waitDump(t, "BOUND", 2, 15*time.Second)
	if _, err := os.Stat(c.leases); err == nil && strings.Contains(lab.ReadFile(t, c.leases), "fixed-address "+first.String()+";") {
		t.Errorf("declined %v written to the lease file:\n%s", first, lab.ReadFile(t, c.leases))
	}
}
