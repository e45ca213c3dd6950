//go:build linux

package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// debJail is a private mount and UTS namespace inside a lab's client
// network namespace, in which DHCP clients and the scripts they run may
// rewrite system files without touching the real ones:
//
//   - /etc is an overlay whose upper directory is a test directory, so
//     whatever a script writes under /etc lands there;
//   - /etc/dhcp/dhclient-enter-hooks.d and -exit-hooks.d are bind mounts
//     of test directories holding the hooks under test and two trace hooks
//     (the host's single-file enter and exit hooks are hidden);
//   - /etc/resolv.conf is a bind mount of a test file (as ip netns exec
//     and containers make it): it can be written through, not renamed over;
//   - /run is a bind mount of a test directory, where the hooks write the
//     NTP files and the clients their pid files (and where a detached
//     leased finds a syslog socket, see debListenSyslog);
//   - /var/lib/dhcp, where ifupdown keeps lease files, is a bind mount of
//     a test directory;
//   - systemctl, invoke-rc.d, chronyc and logger, which the hooks run,
//     are bind mounts of a stub that only records its arguments;
//   - the host name is private (Debian's script may set it).
//
// A holder process keeps the namespaces alive; commands enter them with
// nsenter.
type debJail struct {
	dir    string // host directory holding everything below
	holder *lab.Proc
	runDir string // on /run
	lib    string // on /var/lib/dhcp
	upper  string // overlay upper directory of /etc
	resolv string // on /etc/resolv.conf
	events string // "enter REASON IF" and "exit REASON IF" lines of the trace hooks
	trace  string // the scripts' xtrace and environment
	stubs  string // "REASON PROGRAM ARGS" lines of the stubs
	syslog string // what reached /var/run/syslog (see debListenSyslog)
}

// debListenSyslog receives syslog datagrams on the socket sock and
// appends them to log until the test ends. A detached daemon has nothing
// but syslog to report to; Go's log/syslog tries /var/run/syslog after
// /dev/log, and /var/run is /run, which the jail mounts from the test, so
// where no syslog daemon listens on /dev/log the daemon's log ends up
// here.
func debListenSyslog(t *testing.T, sock, log string) string {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil { // such as a path too long for a socket: diagnostics only
		t.Logf("no syslog capture: %v", err)
		return log
	}
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			fmt.Fprintf(f, "%s %s\n", time.Now().Format("15:04:05.000"), strings.TrimRight(string(buf[:n]), "\n"))
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		<-done
		f.Close()
	})
	return log
}

// debJailSpec is what a jail holds.
type debJailSpec struct {
	// ExitHooks maps hook names in /etc/dhcp/dhclient-exit-hooks.d to
	// the files they are copied from.
	ExitHooks map[string]string
	// Files maps paths under /etc to contents, written into the overlay
	// before it is mounted.
	Files map[string]string
	// Resolv is the initial content of /etc/resolv.conf.
	Resolv string
}

// debStubbed are the programs the jail replaces by a recording stub,
// where they exist: the hooks restart services with them and log with
// logger, none of which may reach the real system.
var debStubbed = []string{"/usr/bin/systemctl", "/usr/sbin/invoke-rc.d", "/usr/bin/chronyc", "/usr/bin/logger"}

// debJailEnterHook is sourced first by dhclient-script: it records the
// call, sends the rest of the script's stderr to the trace file with the
// environment, and turns on xtrace.
const debJailEnterHook = `# leased test: trace this dhclient-script call (sourced)
printf 'enter %s %s\n' "${reason-}" "${interface-}" >>'EVENTS'
exec 2>>'TRACE'
printf '=== %s %s pid %s\n' "${reason-}" "${interface-}" "$$" >&2
env | grep -E '^(reason|interface|IF_METRIC|new_|old_|alias_)' | sort >&2
set -x
`

// debJailExitHook is sourced last by dhclient-script.
const debJailExitHook = `# leased test: the end of this dhclient-script call (sourced)
set +x
printf 'exit %s %s\n' "${reason-}" "${interface-}" >>'EVENTS'
`

const debJailStub = `#!/bin/sh
# leased test: stands in for a program that would reach the real system
printf '%s %s\n' "${reason:--}" "${0##*/} $*" >>'STUBS'
exit 0
`

// newDebJail builds a jail in the lab's client namespace; the test's
// cleanup stops it.
func newDebJail(t *testing.T, l *lab.Lab, spec debJailSpec) *debJail {
	t.Helper()
	lab.RequireBinary(t, "unshare", "util-linux")
	lab.RequireBinary(t, "nsenter", "util-linux")
	dir := debJailBase(t)
	j := &debJail{
		dir:    dir,
		runDir: filepath.Join(dir, "run"),
		lib:    filepath.Join(dir, "var-lib-dhcp"),
		upper:  filepath.Join(dir, "etc-upper"),
		resolv: filepath.Join(dir, "resolv.conf"),
		events: filepath.Join(dir, "events"),
		trace:  filepath.Join(dir, "script.trace"),
		stubs:  filepath.Join(dir, "stub-calls"),
	}
	enter, exit := filepath.Join(dir, "enter-hooks.d"), filepath.Join(dir, "exit-hooks.d")
	// The timesyncd hook acts only where systemd runs.
	for _, d := range []string{filepath.Join(j.runDir, "systemd", "system"), filepath.Join(j.upper, "dhcp"), filepath.Join(dir, "etc-work"), j.lib, enter, exit} {
		debMkdir(t, d)
	}
	for _, f := range []string{j.events, j.trace, j.stubs} {
		debWrite(t, f, "", 0o666)
	}
	debWrite(t, j.resolv, spec.Resolv, 0o644)
	paths := strings.NewReplacer("'EVENTS'", debQuote(j.events), "'TRACE'", debQuote(j.trace), "'STUBS'", debQuote(j.stubs))
	debWrite(t, filepath.Join(enter, "00-leased-test-trace"), paths.Replace(debJailEnterHook), 0o644)
	debWrite(t, filepath.Join(exit, "zz-leased-test-trace"), paths.Replace(debJailExitHook), 0o644)
	for name, src := range spec.ExitHooks {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		debWrite(t, filepath.Join(exit, name), string(b), 0o644)
	}
	for p, content := range spec.Files {
		f := filepath.Join(j.upper, p)
		debMkdir(t, filepath.Dir(f))
		debWrite(t, f, content, 0o644)
	}
	stub := filepath.Join(dir, "stub")
	debWrite(t, stub, paths.Replace(debJailStub), 0o755)

	var setup strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&setup, format+"\n", args...) }
	line("set -eu")
	line("mount --bind %s /run", debQuote(j.runDir))
	line("mount -t overlay leased-test-etc -o lowerdir=/etc,upperdir=%s,workdir=%s /etc", j.upper, filepath.Join(dir, "etc-work"))
	line("mkdir -p /etc/dhcp/dhclient-enter-hooks.d /etc/dhcp/dhclient-exit-hooks.d")
	// Only the hooks under test: the host's single-file hooks go (in
	// the overlay). Debian's script reads /etc/fstab (wait_for_rw).
	line("rm -f /etc/dhcp/dhclient-enter-hooks /etc/dhcp/dhclient-exit-hooks")
	line("[ -e /etc/fstab ] || : >/etc/fstab")
	line("mount --bind %s /etc/dhcp/dhclient-enter-hooks.d", debQuote(enter))
	line("mount --bind %s /etc/dhcp/dhclient-exit-hooks.d", debQuote(exit))
	// A symlinked resolv.conf (systemd-resolved) is replaced, in the
	// overlay only, by a file to mount on.
	line("if [ -L /etc/resolv.conf ] || [ ! -f /etc/resolv.conf ]; then rm -f /etc/resolv.conf; : >/etc/resolv.conf; fi")
	line("mount --bind %s /etc/resolv.conf", debQuote(j.resolv))
	// Lease files go where ifupdown puts them, in a test directory.
	line("if [ -d /var/lib/dhcp ]; then mount --bind %s /var/lib/dhcp; else mkdir -p /run/lib-dhcp; fi", debQuote(j.lib))
	for _, p := range debStubbed {
		line("if [ -e %s ]; then mount --bind %s %s; fi", p, debQuote(stub), p)
	}
	line("echo ready")
	line("exec sleep 1d")
	script := filepath.Join(dir, "jail.sh")
	debWrite(t, script, setup.String(), 0o644)
	j.syslog = debListenSyslog(t, filepath.Join(j.runDir, "syslog"), filepath.Join(dir, "syslog.log"))
	log := filepath.Join(dir, "jail.log")
	j.holder = lab.Start(t, l.ClientNS(), log, "unshare", "--mount", "--uts", "--propagation", "private", "sh", script)
	j.holder.WaitLog(t, "ready", 20*time.Second)
	return j
}

// debJailBase is the directory of a jail's files: the test's temp dir,
// unless that is on overlayfs, which cannot hold an overlay's upper
// directory; then one in /dev/shm.
func debJailBase(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var st syscall.Statfs_t
	const overlayfsMagic = 0x794c7630
	if err := syscall.Statfs(dir, &st); err != nil || st.Type != overlayfsMagic {
		return dir
	}
	shm, err := os.MkdirTemp("/dev/shm", "leased-jail-")
	if err != nil {
		t.Fatalf("%s is on overlayfs and /dev/shm is unusable: %v", dir, err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	return shm
}

// command returns a command that runs argv inside the jail.
func (j *debJail) command(ctx context.Context, argv ...string) *exec.Cmd {
	pid := strconv.Itoa(j.holder.Pid())
	return exec.CommandContext(ctx, "nsenter", append([]string{"-t", pid, "-m", "-u", "-n", "--"}, argv...)...)
}

// debResult is the outcome of one command.
type debResult struct {
	argv  []string
	out   string
	code  int // -1 when it did not exit normally
	start time.Time
	took  time.Duration
}

func (r debResult) String() string {
	return fmt.Sprintf("[started %s, took %v] $ %s\n(exit %d)\n%s", r.start.Format("15:04:05.000"), r.took.Round(time.Millisecond),
		strings.Join(r.argv, " "), r.code, r.out)
}

// run runs argv inside the jail, killed after timeout, and returns what
// it printed and its exit status; the output is also appended to log.
func (j *debJail) run(t *testing.T, log string, timeout time.Duration, argv ...string) debResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := j.command(ctx, argv...)
	cmd.WaitDelay = 5 * time.Second // a daemon that kept our pipe open
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := debResult{argv: argv, out: string(out), code: -1, start: start, took: time.Since(start)}
	if cmd.ProcessState != nil {
		r.code = cmd.ProcessState.ExitCode()
	}
	if err != nil && r.code <= 0 {
		r.out += fmt.Sprintf("\n(%v)", err)
	}
	debAppend(t, log, r.String()+"\n")
	return r
}

// eventLines returns the trace hooks' lines so far.
func (j *debJail) eventLines() []string {
	b, _ := os.ReadFile(j.events)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// waitEvent waits until the trace hooks have logged line after the
// first n lines and returns the number of lines up to and including it.
func (j *debJail) waitEvent(t *testing.T, n int, line string, timeout time.Duration) (int, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ls := j.eventLines()
		if n < len(ls) {
			if i := slices.Index(ls[n:], line); i >= 0 {
				return n + i + 1, true
			}
		}
		if time.Now().After(deadline) {
			t.Errorf("no %q from dhclient-script within %v; calls so far: %q", line, timeout, ls)
			return n, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reasons lists the reasons of the finished script calls, in order.
func (j *debJail) reasons() []string {
	var out []string
	for _, l := range j.eventLines() {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "exit" {
			out = append(out, f[1])
		}
	}
	return out
}

// file returns the content of a file the jail's scripts write, by its
// path inside the jail (under /run or /etc), and whether it exists.
func (j *debJail) file(path string) (string, bool) {
	var host string
	switch {
	case path == "/etc/resolv.conf":
		host = j.resolv
	case strings.HasPrefix(path, "/run/"):
		host = filepath.Join(j.runDir, strings.TrimPrefix(path, "/run/"))
	case strings.HasPrefix(path, "/etc/"):
		host = filepath.Join(j.upper, strings.TrimPrefix(path, "/etc/"))
	default:
		panic("debJail.file: " + path + " is outside the jail's directories")
	}
	b, err := os.ReadFile(host)
	return string(b), err == nil
}

// leaseFile returns the path inside the jail of a lease file named
// name, and its path on the host: /var/lib/dhcp/NAME as ifupdown has it,
// or /run/lib-dhcp/NAME on a system without /var/lib/dhcp.
func (j *debJail) leaseFile(name string) (inside, host string) {
	if _, err := os.Stat("/var/lib/dhcp"); err == nil {
		return "/var/lib/dhcp/" + name, filepath.Join(j.lib, name)
	}
	return "/run/lib-dhcp/" + name, filepath.Join(j.runDir, "lib-dhcp", name)
}

// resolvIsMount reports whether /etc/resolv.conf in the jail is still
// the bind-mounted test file (same device and inode).
func (j *debJail) resolvIsMount(t *testing.T) bool {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(j.resolv, &st); err != nil {
		t.Fatal(err)
	}
	r := j.run(t, filepath.Join(j.dir, "stat.log"), 10*time.Second, "stat", "-L", "-c", "%d:%i", "/etc/resolv.conf")
	return strings.TrimSpace(r.out) == fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// diagnostics returns the trace, events and stub calls for a failure
// report.
func (j *debJail) diagnostics() string {
	var b strings.Builder
	for _, f := range []string{j.events, j.stubs, j.syslog, j.trace} {
		c, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s ---\n%s\n", filepath.Base(f), debTail(string(c), 400))
	}
	return b.String()
}

// debTail returns the last n lines of s.
func debTail(s string, n int) string {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(ls) > n {
		ls = append([]string{fmt.Sprintf("[... %d lines before]", len(ls)-n)}, ls[len(ls)-n:]...)
	}
	return strings.Join(ls, "\n")
}

// debQuote quotes s for sh.
func debQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func debMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func debWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// debAppend appends s to a log file; it may run on any goroutine.
func debAppend(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Errorf("log: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Errorf("log: %v", err)
	}
}
