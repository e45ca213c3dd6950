//go:build linux

package e2e

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// daemonRig holds the private files of one dhclient under test: its
// configuration, lease file, pid file (the control socket sits beside
// it), a hook script that appends each $reason to a file, and that file.
type daemonRig struct {
	l      *lab.Lab
	dir    string
	conf   string
	leases string
	pid    string
	script string
	hooks  string
}

// newDaemonRig writes conf as dhclient.conf and the reason-logging script
// into a fresh directory.
func newDaemonRig(t *testing.T, l *lab.Lab, conf string) *daemonRig {
	t.Helper()
	dir := t.TempDir()
	r := &daemonRig{
		l:      l,
		dir:    dir,
		conf:   filepath.Join(dir, "dhclient.conf"),
		leases: filepath.Join(dir, "dhclient.leases"),
		pid:    filepath.Join(dir, "dhclient.pid"),
		script: filepath.Join(dir, "script"),
		hooks:  filepath.Join(dir, "reasons"),
	}
	// A native-mode script: leased configures the interface (SPEC §5.0).
	script := "#!/bin/sh\n# leased: native-mode dhclient-script\necho \"$reason\" >> " + r.hooks + "\n"
	if err := os.WriteFile(r.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(r.script, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// argv is the dhclient command line: flags, then the rig's files, then
// the interfaces.
func (r *daemonRig) argv(flags []string, ifaces ...string) []string {
	a := append([]string{dhclientBin}, flags...)
	a = append(a, "-cf", r.conf, "-lf", r.leases, "-pf", r.pid, "-sf", r.script)
	return append(a, ifaces...)
}

// daemonRun is the outcome of one dhclient command that ran to its end.
type daemonRun struct {
	code    int
	out     string
	elapsed time.Duration
}

// run runs dhclient with flags on ifaces in the client namespace and
// waits for it to return, killing it after limit. Its output goes to a
// file, not a pipe: a daemon child inherits stderr until it detaches, and
// a pipe would make the wait depend on the child.
func (r *daemonRig) run(t *testing.T, limit time.Duration, flags []string, ifaces ...string) daemonRun {
	t.Helper()
	out, err := os.CreateTemp(r.dir, "out-")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := lab.Command(r.l.ClientNS(), r.argv(flags, ifaces...)...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	werr := lab.RunWithin(cmd, limit)
	res := daemonRun{elapsed: time.Since(start), out: lab.ReadFile(t, out.Name())}
	if errors.Is(werr, lab.ErrStillRunning) {
		t.Fatalf("dhclient %s still running after %v\n%s", strings.Join(flags, " "), limit, res.out)
	}
	code, ok := lab.ExitCode(werr)
	if !ok {
		t.Fatalf("dhclient %s: %v", strings.Join(flags, " "), werr)
	}
	res.code = code
	return res
}

// mustRun is run that fails t unless dhclient exits with want.
func (r *daemonRig) mustRun(t *testing.T, want int, limit time.Duration, flags []string, ifaces ...string) daemonRun {
	t.Helper()
	res := r.run(t, limit, flags, ifaces...)
	if res.code != want {
		t.Fatalf("dhclient %s: exit %d after %v, want %d\n%s\n--- hooks: %v",
			strings.Join(flags, " "), res.code, res.elapsed.Round(time.Millisecond), want, res.out, r.reasons())
	}
	return res
}

// reasons lists the hook reasons the script recorded, in order.
func (r *daemonRig) reasons() []string {
	b, _ := os.ReadFile(r.hooks)
	return strings.Fields(string(b))
}

// waitReason waits until the script has recorded reason.
func (r *daemonRig) waitReason(t *testing.T, reason string, timeout time.Duration) {
	t.Helper()
	if lab.Until(timeout, func() bool { return slices.Contains(r.reasons(), reason) }) != nil {
		t.Fatalf("hook %s not run within %v; reasons: %v", reason, timeout, r.reasons())
	}
}

// daemonPID reads the pid file, failing t when it is missing or holds no
// running dhclient of this build.
func (r *daemonRig) daemonPID(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(r.pid)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		t.Errorf("pid file %q does not end in a newline (reference §8)", b)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("pid file %q: %v", b, err)
	}
	if !lab.Alive(pid) {
		t.Fatalf("pid %d from the pid file is not running", pid)
	}
	if exe, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe"); exe != dhclientBin {
		t.Fatalf("pid %d from the pid file runs %q, want %s", pid, exe, dhclientBin)
	}
	return pid
}

// leftovers lists the running dhclient processes of this rig (found by
// their lease file argument), to prove none stayed behind.
func (r *daemonRig) leftovers() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !lab.Alive(pid) {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		args := strings.Split(string(cmdline), "\x00")
		if args[0] == dhclientBin && slices.Contains(args, r.leases) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitNoLeftovers waits until no dhclient of this rig runs.
func (r *daemonRig) waitNoLeftovers(t *testing.T, timeout time.Duration) {
	t.Helper()
	for _, pid := range r.leftovers() {
		lab.WaitGone(t, pid, timeout)
	}
}

// storedLease is the active lease of ifname in the rig's lease file.
func (r *daemonRig) storedLease(t *testing.T, ifname string) *statemachine.Lease {
	t.Helper()
	f, err := os.Open(r.leases)
	if err != nil {
		t.Fatalf("lease file: %v", err)
	}
	defer f.Close()
	file, errs := lease.Parse(f, r.leases, dhcp4.NewCatalogue())
	if len(errs) > 0 {
		t.Errorf("lease file does not parse cleanly: %v", errs)
	}
	active, _ := file.Active(ifname, time.Now())
	if active == nil {
		b, _ := os.ReadFile(r.leases)
		t.Fatalf("lease file has no lease for %s:\n%s", ifname, b)
	}
	return active
}

// daemonProcStat returns the parent pid and session id of pid from
// /proc/PID/stat (fields 4 and 6, after the parenthesised name).
func daemonProcStat(t *testing.T, pid int) (ppid, sid int) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatalf("stat of %d: %v", pid, err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 4 {
		t.Fatalf("short /proc/%d/stat: %q", pid, s)
	}
	ppid, _ = strconv.Atoi(f[1])
	sid, _ = strconv.Atoi(f[3])
	return ppid, sid
}

// daemonBoundAddr returns the one address on ifname, failing t unless there is
// exactly one and it lies in the server's range.
func daemonBoundAddr(t *testing.T, l *lab.Lab, ifname string) netip.Addr {
	t.Helper()
	as := l.AddrsOf(t, ifname)
	if len(as) != 1 {
		t.Fatalf("%s has addresses %v, want exactly one lease", ifname, as)
	}
	if a := as[0]; a.Less(l.Host(100)) || l.Host(199).Less(a) {
		t.Fatalf("%s has %v, outside the server's range", ifname, a)
	}
	return as[0]
}

// daemonLogLacks fails t if file gains substr within window: an absence can
// only be observed for a while, long enough for a packet already sent to
// be logged.
func daemonLogLacks(t *testing.T, file, substr string, window time.Duration) {
	t.Helper()
	for end := time.Now().Add(window); ; time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(file); strings.Contains(string(b), substr) {
			t.Fatalf("%s logged %q:\n%s", file, substr, b)
		}
		if time.Now().After(end) {
			return
		}
	}
}

// boundThenKilled runs a foreground client on ifname until it is bound,
// then kills it with SIGKILL, leaving what a crashed daemon leaves (lease
// file, stale pid file and socket, the address), and returns the address.
func (r *daemonRig) boundThenKilled(t *testing.T, ifname string) netip.Addr {
	t.Helper()
	p := lab.Start(t, r.l.ClientNS(), r.dir+"/daemon.log", r.argv([]string{"-d", "-v"}, ifname)...)
	p.WaitLog(t, "bound to ", daemonBindLimit)
	addr := daemonBoundAddr(t, r.l, ifname)
	if err := p.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.Done()
	return addr
}
