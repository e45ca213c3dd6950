//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/test/lab"
)

// goldenRig replays one golden scenario in a lab: the client link renamed
// and given the MAC address of the golden run's link, the server bridge
// holding the golden server address, the golden harness files in a temp
// dir that plays the part of the golden $T, and dhclient run from the
// same folders with the same arguments.
type goldenRig struct {
	t      *testing.T
	res    *goldenResult
	l      *lab.Lab
	T      string // the golden $T
	ifname string // client link, named as in the golden run
	peer   string // server end of the client link
	bin    string // dhclient under test
	isc    bool   // bin is ISC dhclient (calibration, see TestGoldenISC)
	cap    *goldenCapture
	got    goldenNorm // leased's side
	want   goldenNorm // the golden side
	seq    int        // numbers the output files of commands
}

// Links of the golden runs (harness/setup.sh and the logs' "Listening on"
// lines): name and MAC address.
const (
	goldenVeth  = "isc-veth-c"  // scenarios 1, 2, 3, 9
	goldenXveth = "isc-xveth-c" // 4, 7, 8, 10, 11
	goldenTveth = "isc-tveth-c" // 12
	goldenQveth = "isc-qveth-c" // 13
)

var goldenMACs = map[string]string{
	goldenVeth:  "02:00:00:77:00:02",
	goldenXveth: "5e:cf:1d:ce:33:20",
	goldenTveth: "02:30:5a:5f:cf:ac",
	goldenQveth: "f2:84:68:db:b6:0b",
}

// Limits for waits; generous, as every wait polls for an event.
const (
	goldenStep = 30 * time.Second
	goldenLong = 120 * time.Second
)

// newGoldenRig builds the lab of one scenario. ifname names the client
// link as in the golden run; "" leaves the client namespace with only lo
// (scenario 5 and the parse-error run: "no broadcast interfaces").
func newGoldenRig(t *testing.T, res *goldenResult, bin string, isc bool, ifname string) *goldenRig {
	t.Helper()
	l := lab.New(t)
	g := &goldenRig{t: t, res: res, l: l, T: t.TempDir(), ifname: ifname, bin: bin, isc: isc}
	g.got = goldenNorm{now: time.Now().Unix(), tmp: g.T, hostname: goldenHostname()}
	g.want = goldenNorm{now: goldenEpoch, hostname: "vm"}
	h := l.ClientHandle()
	link, err := h.LinkByName(l.ClientIf())
	if err != nil {
		t.Fatal(err)
	}
	if ifname == "" {
		if err := h.LinkDel(link); err != nil {
			t.Fatalf("delete %s: %v", l.ClientIf(), err)
		}
	} else {
		g.peer = l.ServerPeer(l.ClientIf())
		mac, _ := net.ParseMAC(goldenMACs[ifname])
		for _, err := range []error{h.LinkSetDown(link), h.LinkSetName(link, ifname), h.LinkSetHardwareAddr(link, mac), h.LinkSetUp(link)} {
			if err != nil {
				t.Fatalf("make %s into %s %v: %v", l.ClientIf(), ifname, mac, err)
			}
		}
		g.waitUp(ifname)
		g.cap = goldenStartCapture(t, l.ServerNS(), g.peer)
	}
	script := goldenFile(t, "dump.sh")
	goldenWrite(t, filepath.Join(g.T, "dump.sh"), script, 0o755)
	if isc {
		// ISC configures nothing itself: the golden script's ip(8) lines
		// do, as in the golden run.
		goldenWrite(t, filepath.Join(g.T, "script-configures"), "", 0o644)
	}
	return g
}

// fuzzT1T2 compares T1 and T2 as ranges (see goldenNorm.t1t2Fuzz): for
// the scenarios whose leases come from dnsmasq with a 120 s lease.
func (g *goldenRig) fuzzT1T2() {
	g.got.t1t2Fuzz, g.want.t1t2Fuzz = true, true
}

// keep copies the scenario's $T to $LEASED_GOLDEN_KEEP/<scenario> when
// that is set, for a look at every file of a replay afterwards.
func (g *goldenRig) keep() {
	dst := os.Getenv("LEASED_GOLDEN_KEEP")
	if dst == "" {
		return
	}
	if g.cap != nil {
		var b strings.Builder
		for _, p := range g.cap.packets() {
			fmt.Fprintf(&b, "%.6f %s\n", p.at, p.summary(g.got))
		}
		os.MkdirAll(filepath.Join(g.T, "out"), 0o755)
		goldenWrite(g.t, filepath.Join(g.T, "out", "packets.txt"), b.String(), 0o644)
	}
	dst = filepath.Join(dst, filepath.Base(g.t.Name()))
	os.RemoveAll(dst)
	if out, err := exec.Command("cp", "-a", g.T, dst).CombinedOutput(); err != nil {
		g.t.Logf("keep %s: %v %s", dst, err, out)
	}
}

// waitUp waits until the renamed client link and its server end are up
// again: a broadcast sent before the bridge port forwards is lost.
func (g *goldenRig) waitUp(ifname string) {
	deadline := time.Now().Add(goldenStep)
	for {
		c, cerr := g.l.ClientHandle().LinkByName(ifname)
		s, serr := g.l.ServerHandle().LinkByName(g.peer)
		if cerr == nil && serr == nil && c.Attrs().OperState == netlink.OperUp && s.Attrs().OperState == netlink.OperUp {
			return
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("%s or %s not up after %v", ifname, g.peer, goldenStep)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serverAddr gives the server bridge the golden server address (cidr)
// in place of the lab's, so that the server configurations run as they
// were captured, addresses and all: the namespaces are the lab's own.
func (g *goldenRig) serverAddr(cidr string) {
	h := g.l.ServerHandle()
	br, err := h.LinkByName(g.l.ServerIf())
	if err != nil {
		g.t.Fatal(err)
	}
	old, err := h.AddrList(br, netlink.FAMILY_V4)
	if err != nil {
		g.t.Fatal(err)
	}
	for _, a := range old {
		if err := h.AddrDel(br, &a); err != nil {
			g.t.Fatalf("remove %v from %s: %v", a.IPNet, g.l.ServerIf(), err)
		}
	}
	a, err := netlink.ParseAddr(cidr)
	if err != nil {
		g.t.Fatal(err)
	}
	if err := h.AddrAdd(br, a); err != nil {
		g.t.Fatalf("add %s to %s: %v", cidr, g.l.ServerIf(), err)
	}
}

// serverDir is where a server's files go (not under a run folder).
func (g *goldenRig) serverDir(kind string) string {
	dir := filepath.Join(g.T, "srv-"+kind)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		g.t.Fatal(err)
	}
	return dir
}

// goldenIfaceRE is the interface line of a golden dnsmasq configuration.
var goldenIfaceRE = regexp.MustCompile(`(?m)^interface=.*$`)

// dnsmasq starts dnsmasq with a golden configuration as the golden run
// did (--conf-file, --log-dhcp, own lease and pid files), its interface
// line naming the lab's bridge, and with --no-ping: the golden server
// pinged an address for 3 s before offering it, which races the client's
// first retransmission (3 to 8 s later) and decides whether a second
// DISCOVER and a REQUEST with secs > 0 go out. Without the ping the offer
// comes at once and the replies are the same.
func (g *goldenRig) dnsmasq(conf string) {
	t := g.t
	bin := lab.RequireBinary(t, "dnsmasq", "dnsmasq-base")
	dir := g.serverDir("dnsmasq")
	cf := filepath.Join(dir, "dnsmasq.conf")
	goldenWrite(t, cf, goldenIfaceRE.ReplaceAllString(conf, "interface="+g.l.ServerIf()), 0o644)
	// -d: foreground with the log on stderr (the golden run used
	// --no-daemon and syslog).
	p := lab.Start(t, g.l.ServerNS(), filepath.Join(dir, "server.log"), bin, "-d", "--conf-file="+cf, "--log-dhcp", "--no-ping",
		"--dhcp-leasefile="+filepath.Join(dir, "dnsmasq.leases"), "--pid-file="+filepath.Join(dir, "dnsmasq.pid"))
	p.WaitLog(t, "DHCP, IP range", goldenStep)
}

// dhcpd starts ISC dhcpd with a golden configuration on the bridge.
func (g *goldenRig) dhcpd(conf string) {
	t := g.t
	bin := lab.RequireBinary(t, "dhcpd", "isc-dhcp-server")
	dir := g.serverDir("dhcpd")
	cf, leases := filepath.Join(dir, "dhcpd.conf"), filepath.Join(dir, "dhcpd.leases")
	goldenWrite(t, cf, conf, 0o644)
	goldenWrite(t, leases, "", 0o644)
	p := lab.Start(t, g.l.ServerNS(), filepath.Join(dir, "server.log"), bin, "-4", "-f", "-d", "-cf", cf, "-lf", leases,
		"-pf", filepath.Join(dir, "dhcpd.pid"), g.l.ServerIf())
	p.WaitLog(t, "Server starting service.", goldenStep)
}

// file writes a file under $T.
func (g *goldenRig) file(rel, content string) string {
	p := filepath.Join(g.T, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	goldenWrite(g.t, p, content, 0o644)
	return p
}

// read reads a file under $T ("" when it is missing).
func (g *goldenRig) read(rel string) string {
	b, _ := os.ReadFile(filepath.Join(g.T, rel))
	return string(b)
}

// goldenCmd is one dhclient command of a scenario.
type goldenCmd struct {
	name string // for messages
	out  string // its stdout and stderr
	proc *lab.Proc
	code int // exit status once done; -1 if it was ended by a signal
}

// Output is what the command has written so far.
func (c *goldenCmd) Output() string {
	b, _ := os.ReadFile(c.out)
	return string(b)
}

// command prepares dhclient with args in the client namespace, working
// in $T/dir as the golden commands did (relative -cf, -lf, -sf).
func (g *goldenRig) command(dir string, args []string) *exec.Cmd {
	wd := filepath.Join(g.T, dir)
	if err := os.MkdirAll(wd, 0o755); err != nil {
		g.t.Fatal(err)
	}
	cmd := lab.Command(g.l.ClientNS(), append([]string{g.bin}, args...)...)
	cmd.Dir = wd
	// ISC's stream as a user sees it: without the notices that the other
	// end-to-end tests ask for (LEASED_LOG, set by TestMain).
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "LEASED_LOG=") })
	return cmd
}

func (g *goldenRig) outFile(name string) string {
	g.seq++
	dir := filepath.Join(g.T, "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		g.t.Fatal(err)
	}
	return filepath.Join(dir, fmt.Sprintf("%02d-%s.log", g.seq, strings.ReplaceAll(name, " ", "_")))
}

// start runs a long-lived dhclient (-d) in the background; t's cleanup
// stops it.
func (g *goldenRig) start(name, dir string, args ...string) *goldenCmd {
	c := &goldenCmd{name: name, out: g.outFile(name), code: -1}
	c.proc = lab.StartCmd(g.t, g.command(dir, args), c.out)
	return c
}

// run runs dhclient to its end (a daemon-mode parent returns when its
// child detaches), killing it after limit (its exit status stays -1, which
// the comparison of exit codes reports). The output goes to a file: a
// daemon child inherits it until it detaches.
func (g *goldenRig) run(name, dir string, limit time.Duration, args ...string) *goldenCmd {
	t := g.t
	c := &goldenCmd{name: name, out: g.outFile(name), code: -1}
	f, err := os.Create(c.out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := g.command(dir, args)
	cmd.Stdout, cmd.Stderr = f, f
	err = lab.RunWithin(cmd, limit)
	if errors.Is(err, lab.ErrStillRunning) {
		t.Logf("%s: still running after %v, killed\n%s", name, limit, c.Output())
		return c
	}
	code, ok := lab.ExitCode(err)
	if !ok {
		t.Fatalf("%s: %v", name, err)
	}
	c.code = code
	return c
}

// wait waits for a started command to end by itself and records its exit
// status; false if it still runs after limit.
func (c *goldenCmd) wait(limit time.Duration) bool {
	select {
	case <-c.proc.Done():
	case <-time.After(limit):
		return false
	}
	var exit *exec.ExitError
	switch err := c.proc.Err(); {
	case errors.As(err, &exit):
		c.code = exit.ExitCode()
	case err == nil:
		c.code = 0
	}
	return true
}

// waitReason waits until dumps holds n script calls with reason, or the
// client p (when not nil) has exited; false after limit. Not seeing it
// is not a failure here: the comparison of the sequence reports it.
func (g *goldenRig) waitReason(dumps, reason string, n int, limit time.Duration, p *goldenCmd) bool {
	deadline := time.Now().Add(limit)
	for {
		count := 0
		for _, d := range goldenReadDumps(dumps) {
			if d.reason == reason {
				count++
			}
		}
		if count >= n {
			return true
		}
		if p != nil && p.proc != nil {
			select {
			case <-p.proc.Done():
				g.t.Logf("%s exited before script call %d with %s\n%s", p.name, n, reason, p.Output())
				return false
			default:
			}
		}
		if time.Now().After(deadline) {
			g.t.Logf("no script call %d with %s after %v; calls: %v", n, reason, limit, goldenReasons(goldenReadDumps(dumps)))
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitOutput waits until the output of c contains substr; false after
// limit.
func (g *goldenRig) waitOutput(c *goldenCmd, substr string, limit time.Duration) bool {
	return g.waitOutputN(c, substr, 1, limit)
}

// waitOutputN waits until the output of c contains substr n times; false
// after limit.
func (g *goldenRig) waitOutputN(c *goldenCmd, substr string, n int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for strings.Count(c.Output(), substr) < n {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// waitFile waits until the file rel under $T contains substr; false
// after limit.
func (g *goldenRig) waitFile(rel, substr string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for !strings.Contains(g.read(rel), substr) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// stopDaemon ends the detached daemon whose pid file is rel (under $T),
// by its pid, and waits for it.
func (g *goldenRig) stopDaemon(rel string) {
	pid := g.daemonPID(rel, 2*time.Second)
	if pid == 0 {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(5 * time.Second)
	for lab.Alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if lab.Alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// daemonPID waits up to limit for the pid file rel to name a running
// dhclient of the binary under test (a daemon child may write it just
// after its parent returned) and returns its pid; 0 if none does.
func (g *goldenRig) daemonPID(rel string, limit time.Duration) int {
	bin, err := os.Stat(g.bin)
	if err != nil {
		g.t.Fatal(err)
	}
	deadline := time.Now().Add(limit)
	for {
		pid, err := strconv.Atoi(strings.TrimSpace(g.read(rel)))
		if err == nil && pid > 1 && lab.Alive(pid) {
			if exe, err := os.Stat("/proc/" + strconv.Itoa(pid) + "/exe"); err == nil && os.SameFile(exe, bin) {
				return pid
			}
		}
		if time.Now().After(deadline) {
			return 0
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pool learns the address the lab's server pooled (from the first script
// call with new_ip_address, or the lease file's fixed-address) and maps
// it to the golden one when they differ.
func (g *goldenRig) pool(want string, dumps []goldenDump, lease string) {
	got := ""
	for _, d := range dumps {
		for _, l := range d.lines {
			if v, ok := strings.CutPrefix(l, "new_ip_address="); ok && got == "" {
				got = v
			}
		}
	}
	if got == "" {
		if m := regexp.MustCompile(`fixed-address ([0-9.]+);`).FindStringSubmatch(lease); m != nil {
			got = m[1]
		}
	}
	if got != "" && got != want && !slices.ContainsFunc(g.got.pool, func(p goldenPool) bool { return p.got == got }) {
		g.t.Logf("the server pooled %s where the golden one gave %s: compared as %s", got, want, want)
		g.got.pool = append(g.got.pool, newGoldenPool(got, want))
	}
}

// goldenRetime sets the renew, rebind and expire lines of a lease block
// and its interface.
func goldenRetime(block, ifname string, renew, rebind, expire time.Time) string {
	stamp := func(at time.Time) string {
		at = at.UTC()
		return fmt.Sprintf("%d %s", int(at.Weekday()), at.Format("2006/01/02 15:04:05"))
	}
	var out []string
	for _, l := range goldenLines(block) {
		switch {
		case strings.HasPrefix(l, "  interface "):
			l = fmt.Sprintf("  interface %q;", ifname)
		case strings.HasPrefix(l, "  renew "):
			l = "  renew " + stamp(renew) + ";"
		case strings.HasPrefix(l, "  rebind "):
			l = "  rebind " + stamp(rebind) + ";"
		case strings.HasPrefix(l, "  expire "):
			l = "  expire " + stamp(expire) + ";"
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

// omshell sets OMAPI control state n with ISC's omshell (calibration
// runs only; leased has dhclientctl instead, see goldenAccepted).
func (g *goldenRig) omshell(n int) {
	cmd := lab.Command(g.l.ClientNS(), "omshell")
	cmd.Stdin = strings.NewReader(fmt.Sprintf("server 127.0.0.1\nport 7911\nconnect\nnew control\nopen\nset state = %d\nupdate\n", n))
	out, err := cmd.CombinedOutput()
	g.t.Logf("omshell state %d: %v\n%s", n, err, out)
}

// dhclientctl runs dhclientctl against the control socket next to the
// pid file rel.
func (g *goldenRig) dhclientctl(rel string, args ...string) {
	sock := strings.TrimSuffix(filepath.Join(g.T, rel), ".pid") + ".sock"
	out, err := exec.Command(dhclientctlBin, append([]string{"-s", sock}, args...)...).CombinedOutput()
	if err != nil {
		g.t.Errorf("dhclientctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func goldenWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
