//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/test/lab"
)

// Timeouts of the control tests. A bind takes one exchange with dnsmasq
// (no ping, no ARP probe configured), well under a second in a lab.
const (
	ctlBindTimeout = 20 * time.Second
	ctlStepTimeout = 10 * time.Second
)

// ctlOpts is what the control tests' dnsmasq hands out: explicit T1 and
// T2 so that status can be checked against them, two NTP servers for
// getoption, no router (two links in one subnet would race for the
// default route).
func ctlOpts(l *lab.Lab) lab.ServerOpts {
	return lab.ServerOpts{
		LeaseTime: 600 * time.Second,
		T1:        200 * time.Second,
		T2:        400 * time.Second,
		DNS:       []netip.Addr{l.Host(53)},
		NTP:       []netip.Addr{l.Host(11), l.Host(12)},
	}
}

// ctlDaemon is one `dhclient -d` started by a control test, with its own
// files in one directory: log, lease file, pid file (and so the control
// socket beside it) and the hook script's record.
type ctlDaemon struct {
	l      *lab.Lab
	ifs    []string
	dir    string
	sock   string
	hooks  string
	leases string
	proc   *lab.Proc
}

// startCtlDaemon runs `dhclient -d -v` for ifs with the pid file
// dir/dhclient.<first if>.pid, as ifupdown names it, so its socket is
// dir/dhclient.<first if>.sock. It does not wait for a lease.
func startCtlDaemon(t *testing.T, l *lab.Lab, dir string, ifs ...string) *ctlDaemon {
	t.Helper()
	script, err := filepath.Abs("testdata/control-hook.sh")
	if err != nil {
		t.Fatal(err)
	}
	conf, err := filepath.Abs("testdata/control-dhclient.conf")
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, "dhclient."+ifs[0])
	d := &ctlDaemon{
		l: l, ifs: ifs, dir: dir,
		sock:   base + ".sock",
		hooks:  base + ".hooks",
		leases: base + ".leases",
	}
	argv := []string{dhclientBin, "-d", "-v", "-cf", conf, "-sf", script,
		"-lf", d.leases, "-pf", base + ".pid", "-e", "CONTROL_HOOK_LOG=" + d.hooks}
	d.proc = lab.Start(t, l.ClientNS(), base+".log", append(argv, ifs...)...)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(d.hooks)
			t.Logf("--- hooks of %v ---\n%s", ifs, b)
		}
	})
	return d
}

// Log is the path of the daemon's stderr (-v).
func (d *ctlDaemon) Log() string { return d.proc.Log() }

// waitBound waits until every interface of d is BOUND with an address
// on the link, and returns the addresses by interface.
func (d *ctlDaemon) waitBound(t *testing.T) map[string]netip.Prefix {
	t.Helper()
	got := make(map[string]netip.Prefix)
	for _, ifname := range d.ifs {
		var st control.InterfaceStatus
		lab.PollUntil(t, ctlBindTimeout, func() bool {
			st = d.status(t, ifname)
			return st.State == "BOUND" && st.Address.IsValid()
		}, func() string { return ifname + " BOUND" })

		ctlWaitAddr(t, d.l, ifname, st.Address, true)
		got[ifname] = st.Address
	}
	return got
}

// status asks the daemon for one interface's status through dhclientctl
// -json; an error (such as no socket yet) gives the zero status.
func (d *ctlDaemon) status(t *testing.T, ifname string) control.InterfaceStatus {
	t.Helper()
	return ctlStatus(t, d.sock, ifname)
}

// ctlStatus is one interface's status from the daemon at socket sock,
// through dhclientctl -json; the zero status while there is no socket.
func ctlStatus(t *testing.T, sock, ifname string) control.InterfaceStatus {
	t.Helper()
	out, _, code := ctl(t, "-s", sock, "-json", "status", ifname)
	var rep control.Reply
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Interfaces) != 1 {
		return control.InterfaceStatus{}
	}
	return rep.Interfaces[0]
}

// ctl runs dhclientctl with args (in the host namespace: the socket is a
// path, it needs no network) and returns stdout, stderr and the exit
// status.
func ctl(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return ctlRunCode(t, exec.Command(dhclientctlBin, args...))
}

// ctlOK is ctl that fails t unless dhclientctl exits 0.
func ctlOK(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := ctl(t, args...)
	if code != 0 {
		t.Fatalf("dhclientctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// ctlRunCode runs cmd and returns its output and exit status; failing to
// start it fails t.
func ctlRunCode(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", strings.Join(cmd.Args, " "), err)
	}
	return o.String(), e.String(), code
}

// ctlWaitAddr waits until the kernel, asked through netlink in the client
// namespace, has (present) or has not (!present) address a on ifname.
func ctlWaitAddr(t *testing.T, l *lab.Lab, ifname string, a netip.Prefix, present bool) {
	t.Helper()
	what := "address " + a.String() + " on " + ifname
	if !present {
		what = "no " + what
	}
	lab.PollUntil(t, ctlStepTimeout, func() bool { return l.HasPrefix(t, ifname, a) == present }, func() string { return what })
}

// ctlLogMark is how far a log has been read: what a step adds is checked
// in the text after the mark.
type ctlLogMark struct {
	file string
	off  int
}

// ctlMark returns the current end of file.
func ctlMark(file string) ctlLogMark {
	b, _ := os.ReadFile(file)
	return ctlLogMark{file: file, off: len(b)}
}

// since returns what was appended to the file after the mark.
func (m ctlLogMark) since() string {
	b, _ := os.ReadFile(m.file)
	if len(b) < m.off {
		return ""
	}
	return string(b[m.off:])
}

// wait waits until substr appears after the mark, failing t with what
// did appear after timeout.
func (m ctlLogMark) wait(t *testing.T, substr string, timeout time.Duration) {
	t.Helper()
	if lab.Until(timeout, func() bool { return strings.Contains(m.since(), substr) }) != nil {
		t.Fatalf("%q not in %s after %v; it has since the mark:\n%s", substr, m.file, timeout, m.since())
	}
}

// lines returns the lines after the mark that contain substr.
func (m ctlLogMark) lines(substr string) []string {
	var out []string
	for line := range strings.SplitSeq(m.since(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}
