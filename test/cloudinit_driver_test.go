//go:build linux

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// ciPython is the interpreter cloud-init's Debian package installs into.
const ciPython = "/usr/bin/python3"

// ciDriver calls cloud-init's own functions the way its datasources do
// before the network is up, and stops after each step (a "@@ JSON" line
// on stdout, then "go" on stdin) so that the test can read the kernel
// state. cloud-init's debug log goes to stderr.
const ciDriver = `import inspect, json, logging, os, shutil, sys, time, traceback

from cloudinit import version
from cloudinit.net import dhcp, ephemeral

# After the imports: cloud-init installs a NullHandler of its own.
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")

IFACE = sys.argv[1]
dhclient_output = []


def log_func(out, err):
    dhclient_output.append({"stdout": out, "stderr": err})


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        return repr(e)


def daemon():
    # What became of the dhclient named by the pid file, which cloud-init
    # SIGKILLs: "Z" (a zombie: pid 1 here reaps nobody) or "gone", once
    # the signal has been delivered.
    try:
        pid = int(read("/run/dhclient.pid").strip())
    except ValueError:
        return {"error": "no pid file: " + read("/run/dhclient.pid")}
    for _ in range(500):
        try:
            stat = read("/proc/%d/stat" % pid)
            state = stat[stat.rindex(")") + 2]
        except ValueError:
            state = "gone"
        if state in ("Z", "X", "gone"):
            break
        time.sleep(0.01)
    return {"pid": pid, "state": state}


def phase(name, **kw):
    kw["phase"] = name
    kw["dhclient"] = list(dhclient_output)
    dhclient_output.clear()
    print("@@ " + json.dumps(kw), flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit("driver: the test went away")


def fail(step):
    phase("error", step=step, traceback=traceback.format_exc(), lease_file=read("/run/dhclient.lease"))
    sys.exit(1)


params = list(inspect.signature(dhcp.maybe_perform_dhcp_discovery).parameters)
if params[:2] != ["nic", "dhcp_log_func"]:
    phase("error", step="api", traceback="unsupported cloud-init API: maybe_perform_dhcp_discovery%s" %
          inspect.signature(dhcp.maybe_perform_dhcp_discovery))
    sys.exit(1)
phase("start", pid=os.getpid(), which=shutil.which("dhclient"), version=version.version_string())
try:
    leases = dhcp.maybe_perform_dhcp_discovery(IFACE, log_func)
except Exception:
    fail("maybe_perform_dhcp_discovery")
phase("discovered", leases=leases, lease_file=read("/run/dhclient.lease"), daemon=daemon())
try:
    with ephemeral.EphemeralDHCPv4(IFACE, dhcp_log_func=log_func) as lease:
        phase("ephemeral", lease=lease, lease_file=read("/run/dhclient.lease"), daemon=daemon())
except Exception:
    fail("EphemeralDHCPv4")
phase("cleaned")
`

// ciPhase is one step's report from ciDriver.
type ciPhase struct {
	Phase     string              `json:"phase"`
	Leases    []map[string]string `json:"leases"`
	Lease     map[string]string   `json:"lease"`
	LeaseFile string              `json:"lease_file"`
	Daemon    struct {
		PID   int    `json:"pid"`
		State string `json:"state"`
		Error string `json:"error"`
	} `json:"daemon"`
	Dhclient []struct {
		Stdout string `json:"stdout"`
		Stderr string `json:"stderr"`
	} `json:"dhclient"`
	Step      string `json:"step"`
	Traceback string `json:"traceback"`
	PID       int    `json:"pid"`
	Which     string `json:"which"`
	Version   string `json:"version"`
}

// ciRun is ciDriver running as pid 1 of its own pid and mount namespaces
// (unshare -m -p -f --mount-proc, as cloud-init runs in early boot: its
// dhclient daemon is reparented to it) in a lab's client namespace, with
// tmpfs on /run, an overlay on /etc holding Debian's stock dhclient.conf,
// and the given dhclient first on PATH.
type ciRun struct {
	dhclient string // the symlink cloud-init finds on PATH
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	phases   chan ciPhase
	log      string // the driver's stderr and stray stdout: cloud-init's debug log
	syslog   string // what the dhclient daemon logged
	seen     []ciPhase
}

// ciStart starts ciDriver on ifname with dhclient (a path) first on PATH;
// the test's cleanup ends it, and with it its pid namespace.
func ciStart(t *testing.T, l *lab.Lab, ifname, dhclient string) *ciRun {
	t.Helper()
	dir := debJailBase(t)
	bin := filepath.Join(dir, "bin")
	debMkdir(t, bin)
	if err := os.Symlink(dhclient, filepath.Join(bin, "dhclient")); err != nil {
		t.Fatal(err)
	}
	upper, work := filepath.Join(dir, "etc-upper"), filepath.Join(dir, "etc-work")
	debMkdir(t, filepath.Join(upper, "dhcp"))
	debMkdir(t, work)
	debWrite(t, filepath.Join(upper, "dhcp", "dhclient.conf"), debDhclientConf, 0o644)
	driver := filepath.Join(dir, "driver.py")
	debWrite(t, driver, ciDriver, 0o644)
	// A detached leased logs to /var/run/syslog where /dev/log is
	// missing (see debListenSyslog): a socket of the test's, mounted
	// into the tmpfs.
	sock := filepath.Join(dir, "syslog.sock")
	r := &ciRun{dhclient: filepath.Join(bin, "dhclient"), phases: make(chan ciPhase, 8), log: filepath.Join(dir, "cloud-init.log"),
		syslog: debListenSyslog(t, sock, filepath.Join(dir, "syslog.log"))}
	wrapper := filepath.Join(dir, "pid1.sh")
	debWrite(t, wrapper, fmt.Sprintf("set -eu\nmount -t tmpfs -o mode=0755 leased-test-run /run\n"+
		"if [ -S %[1]s ]; then : >/run/syslog; mount --bind %[1]s /run/syslog; fi\n"+
		"mount -t overlay leased-test-etc -o lowerdir=/etc,upperdir=%[2]s,workdir=%[3]s /etc\nexec %[4]s %[5]s %[6]s\n",
		debQuote(sock), upper, work, ciPython, debQuote(driver), debQuote(ifname)), 0o644)

	r.cmd = lab.Command(l.ClientNS(), "unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc",
		"--propagation", "private", "sh", wrapper)
	r.cmd.Env = []string{"PATH=" + bin + ":/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "PYTHONDONTWRITEBYTECODE=1"}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, err := os.Create(r.log)
	if err != nil {
		t.Fatal(err)
	}
	r.cmd.Stderr = logf
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start cloud-init driver: %v", err)
	}
	go r.read(stdout, logf)
	t.Cleanup(func() { r.stop(t); logf.Close() })
	return r
}

// read turns the driver's "@@" lines into phases; other output goes to
// the log.
func (r *ciRun) read(stdout io.Reader, logf *os.File) {
	defer close(r.phases)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		js, ok := strings.CutPrefix(line, "@@ ")
		var p ciPhase
		if !ok || json.Unmarshal([]byte(js), &p) != nil {
			fmt.Fprintln(logf, "stdout:", line)
			continue
		}
		r.phases <- p
	}
}

// next waits for the driver's next phase, failing t with the driver's
// report when it is another than want.
func (r *ciRun) next(t *testing.T, want string, timeout time.Duration) ciPhase {
	t.Helper()
	select {
	case p, ok := <-r.phases:
		if !ok {
			t.Fatalf("cloud-init driver exited before %s (its log follows)", want)
		}
		r.seen = append(r.seen, p)
		if p.Phase != want {
			t.Fatalf("cloud-init driver reached %q in %s, want %q:\n%s\nlease file:\n%s\n%s",
				p.Phase, p.Step, want, p.Traceback, p.LeaseFile, ciDhclientOutput(p))
		}
		return p
	case <-time.After(timeout):
		t.Fatalf("cloud-init driver did not reach %s within %v (its log follows)", want, timeout)
	}
	panic("unreachable")
}

// resume lets the driver go on.
func (r *ciRun) resume(t *testing.T) {
	t.Helper()
	if _, err := io.WriteString(r.stdin, "go\n"); err != nil {
		t.Fatalf("resume cloud-init driver: %v", err)
	}
}

// wait waits for the driver to exit and returns its error.
func (r *ciRun) wait(timeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- r.cmd.Wait() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(timeout):
		syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		return fmt.Errorf("cloud-init driver still running after %v: killed; %v", timeout, <-errc)
	}
}

// stop ends the driver if it still runs: closing stdin makes it exit;
// otherwise SIGKILL to its process group (unshare --kill-child takes the
// pid namespace down with it).
func (r *ciRun) stop(t *testing.T) {
	if r.cmd.ProcessState != nil {
		return
	}
	r.stdin.Close()
	if err := r.wait(10 * time.Second); err != nil && !strings.Contains(err.Error(), "exit status") {
		t.Logf("cloud-init driver: %v", err)
	}
}

// diagnostics is the driver's log, dhclient's output and the daemon's
// syslog, for a failure report.
func (r *ciRun) diagnostics() string {
	var b strings.Builder
	log, _ := os.ReadFile(r.log)
	fmt.Fprintf(&b, "--- cloud-init log ---\n%s\n", debTail(string(log), 150))
	for _, p := range r.seen {
		if len(p.Dhclient) > 0 {
			fmt.Fprintf(&b, "--- dhclient as run by cloud-init before %s ---\n%s", p.Phase, ciDhclientOutput(p))
		}
	}
	sys, _ := os.ReadFile(r.syslog)
	fmt.Fprintf(&b, "--- dhclient daemon syslog ---\n%s", debTail(string(sys), 80))
	return b.String()
}

// ciDhclientOutput is what dhclient printed, as cloud-init captured it.
func ciDhclientOutput(p ciPhase) string {
	var b strings.Builder
	for _, o := range p.Dhclient {
		fmt.Fprintf(&b, "--- dhclient stdout ---\n%s--- dhclient stderr ---\n%s", o.Stdout, o.Stderr)
	}
	return b.String()
}
