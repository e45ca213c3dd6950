//go:build linux

package e2e

import (
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// Limits for one dhclient command: binding against a lab server takes a
// few seconds (DISCOVER, OFFER, REQUEST, ACK, ARP check).
const (
	daemonBindLimit    = 30 * time.Second
	daemonReleaseLimit = 20 * time.Second
)

// daemonDnsmasqRelease is what dnsmasq logs for any DHCPRELEASE.
const daemonDnsmasqRelease = "DHCPRELEASE("

// startDaemon runs `dhclient -v IF` in daemon mode against a running
// server, checks the daemon rule of SPEC §2 (exit 0 once the address is
// on the interface; a detached daemon in its own session with the pid
// file written) and returns the daemon's pid and the bound address.
func startDaemon(t *testing.T, r *daemonRig, ifname string) (int, netip.Addr) {
	t.Helper()
	r.mustRun(t, 0, daemonBindLimit, []string{"-v"}, ifname)
	// Right after the parent returns: the address is already there.
	addr := daemonBoundAddr(t, r.l, ifname)
	pid := r.daemonPID(t)
	ppid, sid := daemonProcStat(t, pid)
	if ppid == os.Getpid() {
		t.Errorf("daemon %d is a child of the test: no re-exec", pid)
	}
	if sid != pid {
		t.Errorf("daemon %d is in session %d: no setsid", pid, sid)
	}
	if got := r.reasons(); len(got) == 0 || !daemonBindReason(got[len(got)-1]) {
		t.Errorf("hooks %v, want BOUND or REBOOT last", got)
	}
	if l := r.storedLease(t, ifname); l.Addr != addr {
		t.Errorf("lease file holds %v, interface has %v", l.Addr, addr)
	}
	return pid, addr
}

func daemonBindReason(r string) bool { return r == "BOUND" || r == "REBOOT" }

// daemonIntervalRE matches the interval a DHCPDISCOVER line announces.
var daemonIntervalRE = regexp.MustCompile(`DHCPDISCOVER on \S+ to \S+ port \d+ interval (\d+)`)

// daemonCheckTimeout checks, in the output of a client that found no
// server with `timeout` set to timeout seconds, the order of events:
// DHCPDISCOVERs, "No DHCPOFFERS received." (the timeout's phrase,
// reference §6.1), then the line then with no DISCOVER in between. The
// intervals the DISCOVERs announce show that the configured timeout cut
// the retransmissions: ISC shortens the one that would run past the
// timeout to end one second after it, and a late timer only shortens
// the later ones, so together they never reach further.
func daemonCheckTimeout(t *testing.T, out string, timeout int, then string) {
	t.Helper()
	cycle, rest, ok := strings.Cut(out, "No DHCPOFFERS received.")
	next := strings.Index(rest, then)
	if !ok || next < 0 {
		t.Fatalf("want DHCPDISCOVERs, %q, then %q in:\n%s", "No DHCPOFFERS received.", then, out)
	}
	if strings.Contains(rest[:next], "DHCPDISCOVER") {
		t.Errorf("DHCPDISCOVER between the timeout and %q:\n%s", then, out)
	}
	sum := 0
	for _, m := range daemonIntervalRE.FindAllStringSubmatch(cycle, -1) {
		n, _ := strconv.Atoi(m[1])
		sum += n
	}
	if sum == 0 || sum > timeout+1 {
		t.Errorf("DHCPDISCOVER intervals add up to %d s, want 1 to %d (timeout %d):\n%s", sum, timeout+1, timeout, out)
	}
}

// TestDaemonMode: `dhclient IF` returns once bound and leaves a daemon;
// `dhclient -r IF` releases through it: DHCPRELEASE at the server, the
// address gone, the daemon gone, RELEASE run and the released lease
// (expired now, reference §5.2) in the lease file.
func TestDaemonMode(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 20;\n")
	ifname := l.ClientIf()
	pid, addr := startDaemon(t, r, ifname)

	res := r.mustRun(t, 0, daemonReleaseLimit, []string{"-r"}, ifname)
	if got := l.AddrsOf(t, ifname); len(got) != 0 {
		t.Errorf("after -r %s still has %v", ifname, got)
	}
	lab.WaitGone(t, pid, 5*time.Second)
	srv.WaitLog(t, daemonDnsmasqRelease+l.ServerIf()+") "+addr.String(), 5*time.Second)
	r.waitReason(t, "RELEASE", 5*time.Second)
	released := r.storedLease(t, ifname)
	if released.Addr != addr {
		t.Errorf("lease file's last lease is %v, want the released %v", released.Addr, addr)
	}
	if !released.ExpiredAt(time.Now().Add(time.Second)) {
		t.Errorf("released lease expires %v, want now (reference §5.2)", released.Expire)
	}
	if _, err := os.Stat(r.pid); err == nil {
		t.Errorf("pid file %s left behind after -r", r.pid)
	}
	if t.Failed() {
		t.Logf("-r output:\n%s", res.out)
	}
}

// TestDaemonExitWithoutRelease: `dhclient -x IF` stops the daemon with
// STOP and no DHCPRELEASE, and the lease stays in the lease file for the
// next start.
func TestDaemonExitWithoutRelease(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 20;\n")
	ifname := l.ClientIf()
	pid, addr := startDaemon(t, r, ifname)

	r.mustRun(t, 0, daemonReleaseLimit, []string{"-x"}, ifname)
	lab.WaitGone(t, pid, 5*time.Second)
	r.waitReason(t, "STOP", 5*time.Second)
	// STOP takes away what leased added (SPEC §5); the lease stays.
	if got := l.AddrsOf(t, ifname); len(got) != 0 {
		t.Errorf("after -x %s still has %v", ifname, got)
	}
	if got := r.reasons(); slices.Contains(got, "RELEASE") {
		t.Errorf("hooks %v: RELEASE under -x", got)
	}
	kept := r.storedLease(t, ifname)
	if kept.Addr != addr || kept.ExpiredAt(time.Now()) {
		t.Errorf("lease file holds %v expiring %v, want the unexpired %v", kept.Addr, kept.Expire, addr)
	}
	daemonLogLacks(t, srv.Log(), daemonDnsmasqRelease, time.Second)
}

// TestReleaseWithoutDaemon: with the daemon killed (stale pid file and
// socket, nothing answering), `dhclient -r IF` falls back to ISC's way
// (SPEC §2): DHCPRELEASE from the lease file, address removed, RELEASE.
func TestReleaseWithoutDaemon(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 20;\n")
	ifname := l.ClientIf()
	addr := r.boundThenKilled(t, ifname)

	res := r.mustRun(t, 0, daemonReleaseLimit, []string{"-r", "-v"}, ifname)
	srv.WaitLog(t, daemonDnsmasqRelease+l.ServerIf()+") "+addr.String(), 5*time.Second)
	if got := l.AddrsOf(t, ifname); len(got) != 0 {
		t.Errorf("after -r %s still has %v", ifname, got)
	}
	r.waitReason(t, "RELEASE", 5*time.Second)
	if !strings.Contains(res.out, "DHCPRELEASE of "+addr.String()+" on "+ifname) {
		t.Errorf("-r -v did not log the release (reference §8):\n%s", res.out)
	}
	r.waitNoLeftovers(t, 5*time.Second)
	if t.Failed() {
		t.Logf("-r output:\n%s", res.out)
	}
}

// TestOneTryNoServer: `-1` with no server exits 2 after `timeout`, once
// FAIL has run, and leaves no daemon (reference §1.4) — detached or in
// the foreground. With ipv4ll on, too, and no link-local address is
// claimed: none would be defended (README).
func TestOneTryNoServer(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	for _, tc := range []struct {
		name string
		mode []string
		conf string
	}{
		{"detached", []string{"-1", "-v"}, ""},
		{"foreground", []string{"-1", "-d"}, ""},
		{"ipv4ll", []string{"-1", "-d"}, "ipv4ll on;\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newDaemonRig(t, l, "timeout 3;\ninitial-interval 1;\n"+tc.conf)
			res := r.mustRun(t, 2, 20*time.Second, tc.mode, ifname)
			if got := r.reasons(); !slices.Contains(got, "FAIL") || slices.Contains(got, "IPV4LL") {
				t.Errorf("hooks %v, want FAIL before the exit and no IPV4LL", got)
			}
			// The end of `timeout` ends the DISCOVERs, then -1 gives up
			// with ISC's phrases (reference §8); when the timer fires is
			// the state machine's business, tested on fixed times.
			daemonCheckTimeout(t, res.out, 3, "Unable to obtain a lease on first try.  Exiting.")
			r.waitNoLeftovers(t, 5*time.Second)
			if got := l.AddrsOf(t, ifname); len(got) != 0 {
				t.Errorf("%s has %v without a server", ifname, got)
			}
		})
	}
}

// TestDaemonNoServerReturnsAfterTimeout: without -1 the parent returns 0
// once `timeout` has passed and FAIL has run, and the daemon keeps trying
// in the background (reference §1.3) until -x stops it.
func TestDaemonNoServerReturnsAfterTimeout(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	r := newDaemonRig(t, l, "timeout 3;\ninitial-interval 1;\n")
	res := r.mustRun(t, 0, 20*time.Second, []string{"-v"}, ifname)
	if got := r.reasons(); !slices.Contains(got, "FAIL") {
		t.Errorf("hooks %v, want FAIL before the parent returns", got)
	}
	// The parent returned once the daemon had given up its first cycle
	// at the end of `timeout` and gone to sleep before trying again.
	daemonCheckTimeout(t, res.out, 3, "No working leases in persistent database - sleeping.")
	pid := r.daemonPID(t)
	if _, sid := daemonProcStat(t, pid); sid != pid {
		t.Errorf("daemon %d is in session %d: no setsid", pid, sid)
	}
	r.mustRun(t, 0, daemonReleaseLimit, []string{"-x"}, ifname)
	lab.WaitGone(t, pid, 5*time.Second)
	r.waitNoLeftovers(t, 5*time.Second)
}

// TestReleaseWithSlowARP: the DHCPRELEASE is unicast to the server,
// whose address the client has not resolved yet; the server answers ARP
// only after a while. The release must still reach it: taking the
// address away must not drop the datagram waiting for ARP.
func TestReleaseWithSlowARP(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 20;\n")
	ifname := l.ClientIf()
	pid, addr := startDaemon(t, r, ifname)
	lab.Run(t, l.ClientNS(), "ip", "neigh", "flush", "dev", ifname)
	lab.Run(t, l.ServerNS(), "ip", "link", "set", "dev", l.ServerIf(), "arp", "off")
	go func() {
		time.Sleep(300 * time.Millisecond) // the fault: ARP answered late
		lab.Command(l.ServerNS(), "ip", "link", "set", "dev", l.ServerIf(), "arp", "on").Run()
	}()
	r.mustRun(t, 0, daemonReleaseLimit, []string{"-r"}, ifname)
	lab.WaitGone(t, pid, 5*time.Second)
	srv.WaitLog(t, daemonDnsmasqRelease+l.ServerIf()+") "+addr.String(), 5*time.Second)
	if got := l.AddrsOf(t, ifname); len(got) != 0 {
		t.Errorf("after -r %s still has %v", ifname, got)
	}
}
