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
// and its child are killed after about 2 s, the lease is not declined,
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
	seen := time.Now()
	script := hookPidFile(t, filepath.Join(c.dumps, "hang.pid"))
	child := hookPidFile(t, filepath.Join(c.dumps, "sleep.pid"))
	lab.WaitGone(t, script, 10*time.Second)
	lab.WaitGone(t, child, 5*time.Second)
	if d := time.Since(seen); d < 1500*time.Millisecond {
		t.Errorf("hook killed %v after its BOUND dump, want the 2 s hook-timeout", d)
	}
	lab.WaitLog(t, filepath.Join(c.dir, "dhclient.log"), "hook timed out, killed", 5*time.Second)

	renew := c.waitDump(t, "RENEW", 1, 20*time.Second)
	addr := hookAddr(t, bound, "new_ip_address")
	if a, o := hookAddr(t, renew, "new_ip_address"), hookAddr(t, renew, "old_ip_address"); a != addr || o != addr {
		t.Errorf("RENEW new_ip_address=%v old_ip_address=%v, want both %v", a, o, addr)
	}
	if !hookHasAddr(t, l, addr) {
		t.Errorf("%v not configured after the renewal", addr)
	}
	ack := fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addr)
	hookPoll(t, 5*time.Second, func() bool { return strings.Count(hookRead(t, srv.Log()), ack) >= 2 },
		func() string { return "the server did not acknowledge a renewal:\n" + hookRead(t, srv.Log()) })
	if log := hookRead(t, srv.Log()); strings.Contains(log, "DHCPDECLINE(") {
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
	declined := time.Now()
	// The retry: a DISCOVER after the DECLINE, well before ISC's default
	// wait of 10 s.
	hookPoll(t, 6*time.Second, func() bool {
		_, after, _ := strings.Cut(hookRead(t, srv.Log()), decline)
		return strings.Contains(after, fmt.Sprintf("DHCPDISCOVER(%s) ", l.ServerIf()))
	}, func() string { return "no DISCOVER after the DECLINE:\n" + hookRead(t, srv.Log()) })
	// Both moments are seen up to a poll late, so allow 200 ms early.
	if d := time.Since(declined); d < 800*time.Millisecond || d > 5*time.Second {
		t.Errorf("new DISCOVER %v after the DECLINE, want the 1 s decline wait", d)
	}
	hookPoll(t, 5*time.Second, func() bool { return !hookHasAddr(t, l, first) },
		func() string { return fmt.Sprintf("declined %v still on %s", first, l.ClientIf()) })
	// The new attempt binds again and runs BOUND again.
	c.waitDump(t, "BOUND", 2, 15*time.Second)
	if _, err := os.Stat(c.leases); err == nil && strings.Contains(hookRead(t, c.leases), "fixed-address "+first.String()+";") {
		t.Errorf("declined %v written to the lease file:\n%s", first, hookRead(t, c.leases))
	}
}
