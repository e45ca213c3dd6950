//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// Limits of TestDebianScript's steps; the lease is 30 s with T1 at 10 s
// (ISC fires RENEW 7.5 to 10 s after the ACK, reference §6.2).
const (
	debLease        = 30 * time.Second
	debT1           = 10 * time.Second
	debT2           = 20 * time.Second
	debBindLimit    = 60 * time.Second
	debRenewLimit   = 40 * time.Second
	debReleaseLimit = 30 * time.Second
	debPhaseLimit   = 15 * time.Second
)

// debClient is one variant's dhclient in a jail.
type debClient struct {
	j      *debJail
	v      debVariant
	ifname string
	pid    string // pid file, inside the jail
	lease  string // lease file, inside the jail
	leaseH string // lease file, on the host
	log    string // every command's output
}

func newDebClient(j *debJail, v debVariant, ifname string) *debClient {
	in, host := j.leaseFile("dhclient." + ifname + ".leases")
	return &debClient{j: j, v: v, ifname: ifname, pid: "/run/dhclient." + ifname + ".pid", lease: in, leaseH: host,
		log: filepath.Join(j.dir, "dhclient-commands.log")}
}

// argv is ifupdown's command line (reference: consumers.md) with the
// variant's script, and flags in front.
func (c *debClient) argv(flags ...string) []string {
	a := append([]string{c.v.bin}, flags...)
	a = append(a, "-4", "-v", "-pf", c.pid, "-lf", c.lease, "-sf", c.v.script)
	if c.v.native {
		// Like Debian's script in this jail (no resolvconf enter
		// hook), leased's writes resolv.conf itself, whatever the
		// host has installed.
		a = append(a, "-e", "LEASED_RESOLVCONF=", "-e", "LEASED_RESOLVECTL=")
	}
	return append(a, c.ifname, "-e", "IF_METRIC=100")
}

// daemonPID waits for the pid file and reads it: ISC's daemon writes it
// after its parent has returned (reference §8), and creates it before it
// writes the number, so an empty file is waited out too.
func (c *debClient) daemonPID() (int, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(c.j.runDir, strings.TrimPrefix(c.pid, "/run/")))
		if err == nil {
			var pid int
			if pid, err = strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid, nil
			}
		}
		if time.Now().After(deadline) {
			return 0, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// debRecord is what one variant's run left at each phase, normalised
// (debNorm) so that runs in different labs compare.
type debRecord struct {
	complete bool                         // every phase was reached
	states   map[string]debState          // phase → kernel state
	files    map[string]map[string]string // phase → path → content or debAbsent
	reasons  []string                     // finished script calls
	stubs    []string                     // service restarts and logger calls
}

// debAbsent stands for a file that does not exist.
const debAbsent = "(absent)"

// debPhases are the moments a run is recorded at.
var debPhases = []string{"before", "bound", "renewed", "released"}

// debFiles are the files compared, inside the jail, for interface IF.
func debFiles() []string {
	return []string{debResolv, debNtpsec, debTimesyncd, debChronyDir + "IF.sources"}
}

// record stores the state and files of phase and returns the state as
// it is (not normalised).
func (r *debRecord) record(t *testing.T, phase string, l *lab.Lab, j *debJail, ifname string) debState {
	t.Helper()
	n := debNorm(l, ifname)
	st := debSnapshot(t, l, ifname)
	r.states[phase] = st.norm(n)
	r.files[phase] = map[string]string{}
	for _, p := range debFiles() {
		content, ok := j.file(strings.ReplaceAll(p, "IF", ifname))
		if !ok {
			content = debAbsent
		}
		r.files[phase][p] = n.Replace(content)
	}
	return st
}

// debCycle runs one variant through BOUND, RENEW and RELEASE in a lab of
// its own and returns what it recorded.
func debCycle(t *testing.T, d debDeps, v debVariant) *debRecord {
	l := lab.New(t)
	ifname := l.ClientIf()
	a, s, mac := l.Host(50), l.ServerAddr(), debMAC(t, l, ifname)
	opts := debServerOpts(l, mac, a, debLease)
	opts.T1, opts.T2 = debT1, debT2
	srv := l.StartDhcpd(t, opts)
	wire := debWatchWire(t, l, ifname)
	j := newDebJail(t, l, d.jailSpec())
	c := newDebClient(j, v, ifname)
	t.Cleanup(func() { debKillDaemons(t, l, v.bin) })
	t.Cleanup(func() {
		if t.Failed() {
			debReport(t, l, ifname, j, c.log, srv.Log(), wire.log)
		}
	})
	rec := &debRecord{states: map[string]debState{}, files: map[string]map[string]string{}}
	rec.record(t, "before", l, j, ifname)

	// BOUND: the command returns once bound (reference §1.3).
	if r := j.run(t, c.log, debBindLimit, c.argv()...); r.code != 0 {
		t.Fatalf("dhclient did not bind:\n%v", r)
	}
	n, ok := j.waitEvent(t, 0, "exit BOUND "+ifname, debPhaseLimit)
	if !ok {
		t.FailNow()
	}
	pid, err := c.daemonPID()
	if err != nil {
		t.Errorf("no daemon pid after binding: %v", err)
	}
	if st := rec.record(t, "bound", l, j, ifname); !st.has(a) {
		t.Errorf("bound: %v is not on %s:\n%v", a, ifname, st)
	}

	// RENEW at T1: unicast from the leased address to the server, ACKed.
	logMark, wireMark := debLogSize(srv.Log()), wire.mark()
	if n, ok = j.waitEvent(t, n, "exit RENEW "+ifname, debRenewLimit); !ok {
		t.FailNow()
	}
	rec.record(t, "renewed", l, j, ifname)
	client, server := netip.AddrPortFrom(a, dhcp4.ClientPort), netip.AddrPortFrom(s, dhcp4.ServerPort)
	if m := wire.waitUnicast(t, wireMark, dhcp4.Request, client, server, 5*time.Second); m >= 0 {
		wire.waitUnicast(t, m, dhcp4.Ack, server, client, 5*time.Second)
	}
	debWaitLogSince(t, srv.Log(), logMark, fmt.Sprintf("DHCPREQUEST for %v from %v", a, mac), 5*time.Second)
	debWaitLogSince(t, srv.Log(), logMark, fmt.Sprintf("DHCPACK on %v to %v", a, mac), 5*time.Second)

	// dhclient -r: DHCPRELEASE from the leased address, RELEASE, the
	// daemon gone.
	logMark, wireMark = debLogSize(srv.Log()), wire.mark()
	if r := j.run(t, c.log, debReleaseLimit, c.argv("-r")...); r.code != 0 {
		t.Errorf("dhclient -r failed:\n%v", r)
	}
	if _, ok = j.waitEvent(t, n, "exit RELEASE "+ifname, debPhaseLimit); !ok {
		t.FailNow()
	}
	wire.waitUnicast(t, wireMark, dhcp4.Release, client, server, 5*time.Second)
	debWaitLogSince(t, srv.Log(), logMark, fmt.Sprintf("DHCPRELEASE of %v from %v", a, mac), 5*time.Second)
	if pid > 0 {
		debWaitGone(t, pid, 10*time.Second)
	}
	rec.record(t, "released", l, j, ifname)
	if !j.resolvIsMount(t) {
		t.Errorf("/etc/resolv.conf is no longer the bind-mounted file: replaced by a rename instead of written through")
	}
	if !v.native {
		// Debian's script adds the address itself; ip failing with
		// EEXIST means that the daemon had already added it (SPEC §5.0).
		tr, _ := os.ReadFile(j.trace)
		for _, eexist := range []string{"File exists", "Address already assigned"} {
			if strings.Contains(string(tr), eexist) {
				t.Errorf("Debian's script found the address already there (%q in its trace): the daemon configured the interface itself", eexist)
			}
		}
	}
	rec.reasons = j.reasons()
	for _, s := range debLines(j.stubs) {
		rec.stubs = append(rec.stubs, debNorm(l, ifname).Replace(s))
	}
	rec.complete = !t.Failed()
	t.Logf("%s: script calls %q; bound (normalised):\n%v", v.name, rec.reasons, rec.states["bound"])
	return rec
}

// debStopAtAddress starts leased (variant v) and runs `dhclient -x` the
// moment the leased address appears on the interface: the lease must be
// in the lease file (SPEC §7), and ISC dhclient, or leased without it,
// must INIT-REBOOT from that file (a DHCPREQUEST for the address, no
// DHCPDISCOVER).
func debStopAtAddress(t *testing.T, d debDeps, v debVariant) {
	l := lab.New(t)
	ifname := l.ClientIf()
	a, mac := l.Host(50), debMAC(t, l, ifname)
	srv := l.StartDhcpd(t, debServerOpts(l, mac, a, 10*time.Minute))
	j := newDebJail(t, l, d.jailSpec())
	c := newDebClient(j, v, ifname)
	t.Cleanup(func() { debKillDaemons(t, l, v.bin) })
	if d.isc != "" {
		t.Cleanup(func() { debKillDaemons(t, l, d.isc) })
	}
	t.Cleanup(func() {
		if t.Failed() {
			debReport(t, l, ifname, j, c.log, srv.Log(), "")
		}
	})

	appeared := debWatchAddr(t, l, ifname, a)
	started, ran := make(chan debResult, 1), make(chan struct{})
	go func() {
		defer close(ran)
		started <- j.run(t, c.log, debBindLimit, c.argv()...)
	}()
	t.Cleanup(func() { <-ran }) // bounded by debBindLimit
	select {
	case <-appeared:
	case r := <-started:
		t.Fatalf("dhclient returned before %v appeared on %s:\n%v", a, ifname, r)
	case <-time.After(debBindLimit):
		t.Fatalf("%v did not appear on %s within %v", a, ifname, debBindLimit)
	}
	stop := j.run(t, c.log, debReleaseLimit, c.argv("-x")...)
	if stop.code != 0 {
		t.Errorf("dhclient -x failed:\n%v", stop)
	}
	if b, err := os.ReadFile(c.leaseH); err != nil || !strings.Contains(string(b), "fixed-address "+a.String()+";") {
		t.Errorf("after -x at the address, the lease file lacks fixed-address %v (SPEC §7) (%v):\n%s", a, err, b)
	}
	select {
	case r := <-started:
		t.Logf("the first dhclient command (stopped by -x while binding) exited %d", r.code)
	case <-time.After(debBindLimit):
		t.Errorf("the first dhclient command still runs %v after -x", debBindLimit)
	}
	if left := debWaitDaemonsGone(l, v.bin, 10*time.Second); len(left) > 0 {
		t.Errorf("dhclient -x left daemon %v running; killed", left)
		debKillDaemons(t, l, v.bin)
	}

	// INIT-REBOOT from the lease file.
	mark := debLogSize(srv.Log())
	bin := d.isc
	if bin == "" {
		bin = dhclientBin
	}
	reboot := []string{"-4", "-v", "-pf", "/run/reboot.pid", "-lf", c.lease, "-sf", "/bin/true", ifname}
	r := j.run(t, c.log, debBindLimit, append([]string{bin, "-1"}, reboot...)...)
	if r.code != 0 {
		t.Errorf("%s -1 with the lease file left by -x did not bind:\n%v", bin, r)
	}
	debWaitLogSince(t, srv.Log(), mark, fmt.Sprintf("DHCPACK on %v to %v", a, mac), 10*time.Second)
	since := debLogSince(srv.Log(), mark)
	if !strings.Contains(since, fmt.Sprintf("DHCPREQUEST for %v from %v", a, mac)) || strings.Contains(since, "DHCPDISCOVER from "+mac.String()) {
		t.Errorf("%s did not INIT-REBOOT from the lease file leased left (want a DHCPREQUEST for %v without a server id and no DHCPDISCOVER); dhcpd since:\n%s", bin, a, since)
	}
	if bin == dhclientBin {
		j.run(t, c.log, debReleaseLimit, append([]string{bin, "-x"}, reboot...)...)
	}
}

// debWatchAddr returns a channel closed the moment a appears on the
// client interface ifname (netlink address events).
func debWatchAddr(t *testing.T, l *lab.Lab, ifname string, a netip.Addr) <-chan struct{} {
	t.Helper()
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	nsh, err := netns.GetFromName(l.ClientNS())
	if err != nil {
		t.Fatal(err)
	}
	updates := make(chan netlink.AddrUpdate, 64)
	done := make(chan struct{})
	opts := netlink.AddrSubscribeOptions{Namespace: &nsh, ListExisting: true}
	if err := netlink.AddrSubscribeWithOptions(updates, done, opts); err != nil {
		nsh.Close()
		t.Fatalf("watch addresses in %s: %v", l.ClientNS(), err)
	}
	t.Cleanup(func() { close(done); nsh.Close() })
	seen := make(chan struct{})
	go func() {
		open := true
		for u := range updates { // until done closes the subscription
			if open && u.NewAddr && u.LinkIndex == link.Attrs().Index && u.LinkAddress.IP.Equal(a.AsSlice()) {
				close(seen)
				open = false
			}
		}
	}()
	return seen
}

// debDaemons lists the live processes of bin in the lab's client
// namespace.
func debDaemons(l *lab.Lab, bin string) []int {
	out, err := exec.Command("ip", "netns", "pids", l.ClientNS()).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			continue
		}
		if exe, err := os.Readlink("/proc/" + f + "/exe"); err == nil && strings.TrimSuffix(exe, " (deleted)") == bin && lab.Alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// debWaitDaemonsGone waits until no process of bin runs in the client
// namespace and returns those left after timeout.
func debWaitDaemonsGone(l *lab.Lab, bin string, timeout time.Duration) []int {
	var left []int
	lab.Until(timeout, func() bool { left = debDaemons(l, bin); return len(left) == 0 })
	return left
}

// debKillDaemons stops, by pid, every process of bin left in the client
// namespace: SIGTERM, then SIGKILL.
func debKillDaemons(t *testing.T, l *lab.Lab, bin string) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		left := debDaemons(l, bin)
		for _, pid := range left {
			if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
				t.Errorf("kill %d: %v", pid, err)
			}
		}
		if len(left) == 0 || len(debWaitDaemonsGone(l, bin, 5*time.Second)) == 0 {
			return
		}
	}
}

// debWaitGone waits until pid has exited, reporting an error after
// timeout.
func debWaitGone(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()
	if lab.Until(timeout, func() bool { return !lab.Alive(pid) }) != nil {
		t.Errorf("daemon %d still running %v after dhclient -r", pid, timeout)
	}
}

// debLogSize is the current length of a log file, to look for lines
// written after it.
func debLogSize(path string) int {
	b, _ := os.ReadFile(path)
	return len(b)
}

// debLogSince returns what was written to path after mark.
func debLogSince(path string, mark int) string {
	b, _ := os.ReadFile(path)
	if mark > len(b) {
		return string(b)
	}
	return string(b[mark:])
}

// debWaitLogSince waits until the log holds substr after mark, reporting
// an error with what it got after timeout.
func debWaitLogSince(t *testing.T, path string, mark int, substr string, timeout time.Duration) bool {
	t.Helper()
	if lab.Until(timeout, func() bool { return strings.Contains(debLogSince(path, mark), substr) }) != nil {
		t.Errorf("server log lacks %q within %v; since the mark:\n%s", substr, timeout, debTail(debLogSince(path, mark), 40))
		return false
	}
	return true
}

// debLines returns the non-empty lines of a file.
func debLines(path string) []string {
	b, _ := os.ReadFile(path)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// debReport logs everything that explains a failure: the dhclient
// commands' output, the daemon's syslog, the script traces and hook
// calls, the server's log, the packets and the kernel state now.
func debReport(t *testing.T, l *lab.Lab, ifname string, j *debJail, cmds, server, wire string) {
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			return err.Error()
		}
		return string(b)
	}
	t.Logf("--- dhclient commands ---\n%s", debTail(read(cmds), 200))
	t.Logf("%s", j.diagnostics())
	t.Logf("--- server log ---\n%s", debTail(read(server), 80))
	if wire != "" {
		t.Logf("--- DHCP packets on the wire ---\n%s", read(wire))
	}
	t.Logf("--- kernel state of %s now ---\n%v", ifname, debSnapshot(t, l, ifname))
}
