//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// bindMetric is the route metric the bind tests pass with -e IF_METRIC.
const bindMetric = 100

// bindConf is the dhclient.conf of the bind tests: ISC's default request
// list plus option 121, declared as Debian's dhclient.conf does, and short
// retransmission intervals (1-2 s): a lost packet costs a second, not ten,
// and the first broadcast REQUEST follows T2 within two seconds instead of
// up to backoff-cutoff later (ISC does not arm T2 itself, reference §6.2).
const bindConf = `option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
request subnet-mask, broadcast-address, time-offset, routers, domain-name,
	domain-name-servers, host-name, interface-mtu, rfc3442-classless-static-routes;
initial-interval 1;
backoff-cutoff 2;
reboot 5;
`

// bindClient is one dhclient configuration on a lab's first client link:
// its conf, lease, pid and control socket files in a private directory,
// and the file where the test script records every call.
type bindClient struct {
	l       *lab.Lab
	ifname  string
	dir     string
	conf    string
	leases  string
	pid     string
	reasons string
	script  string
}

// newBindClient writes bindConf and prepares the paths of a client of l.
func newBindClient(t *testing.T, l *lab.Lab) *bindClient {
	t.Helper()
	dir := t.TempDir()
	script, err := filepath.Abs("testdata/bind-script.sh")
	if err != nil {
		t.Fatal(err)
	}
	c := &bindClient{
		l:       l,
		ifname:  l.ClientIf(),
		dir:     dir,
		conf:    filepath.Join(dir, "dhclient.conf"),
		leases:  filepath.Join(dir, "dhclient.leases"),
		pid:     filepath.Join(dir, "dhclient.pid"),
		reasons: filepath.Join(dir, "reasons"),
		script:  script,
	}
	if err := os.WriteFile(c.conf, []byte(bindConf), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

// socket is the control socket: the pid file path with .pid replaced by
// .sock (SPEC §8).
func (c *bindClient) socket() string { return strings.TrimSuffix(c.pid, ".pid") + ".sock" }

// start runs `dhclient -d -v` in the client namespace with its output in
// a new log named name.
func (c *bindClient) start(t *testing.T, name string) *lab.Proc {
	t.Helper()
	return lab.Start(t, c.l.ClientNS(), filepath.Join(c.dir, name+".log"), dhclientBin,
		"-d", "-v", "-cf", c.conf, "-lf", c.leases, "-pf", c.pid, "-sf", c.script,
		"-e", "IF_METRIC="+strconv.Itoa(bindMetric), "-e", "BIND_REASONS="+c.reasons, c.ifname)
}

// bindBoundRE matches ISC's bind message (reference §8).
var bindBoundRE = regexp.MustCompile(`bound to (\S+) -- renewal in (\d+) seconds\.`)

// bindWaitBound waits for the n-th bind message in p's log and returns the
// address and the announced renewal delay.
func bindWaitBound(t *testing.T, p *lab.Proc, n int, timeout time.Duration) (netip.Addr, time.Duration) {
	t.Helper()
	var m [][]string
	lab.PollUntil(t, timeout, func() bool {
		m = bindBoundRE.FindAllStringSubmatch(lab.ReadFile(t, p.Log()), -1)
		return len(m) >= n
	}, func() string { return fmt.Sprintf("bind message #%d in %s:\n%s", n, p.Log(), lab.ReadFile(t, p.Log())) })

	a, err := netip.ParseAddr(m[n-1][1])
	if err != nil {
		t.Fatalf("bound address: %v", err)
	}
	secs, _ := strconv.Atoi(m[n-1][2])
	return a, time.Duration(secs) * time.Second
}

// bindCountLines counts the lines of log that contain substr.
func bindCountLines(log, substr string) int {
	n := 0
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, substr) {
			n++
		}
	}
	return n
}

// readLeaseFile parses the client's lease file with the daemon's own
// reader and returns the active lease of the interface. Any parse error
// fails t: the file must never be half-written (SPEC §7).
func (c *bindClient) readLeaseFile(t *testing.T) *statemachine.Lease {
	t.Helper()
	f, err := os.Open(c.leases)
	if err != nil {
		t.Fatalf("lease file: %v", err)
	}
	defer f.Close()
	file, errs := lease.Parse(f, c.leases, dhcp4.NewCatalogue())
	if len(errs) > 0 {
		b, _ := os.ReadFile(c.leases)
		t.Fatalf("lease file does not parse: %v\n%s", errs, b)
	}
	active, _ := file.Active(c.ifname, time.Now())
	if active == nil {
		b, _ := os.ReadFile(c.leases)
		t.Fatalf("lease file holds no lease for %s:\n%s", c.ifname, b)
	}
	return active
}

// waitLeaseFile waits until the lease file names a as the interface's
// active lease: the daemon writes it beside the protocol, at most a
// second after the bind.
func (c *bindClient) waitLeaseFile(t *testing.T, a netip.Addr) {
	t.Helper()
	lab.PollUntil(t, 10*time.Second, func() bool {
		b, err := os.ReadFile(c.leases)
		return err == nil && bytes.Contains(b, []byte("fixed-address "+a.String()+";"))
	}, func() string { return fmt.Sprintf("a lease of %v in %s", a, c.leases) })
	if got := c.readLeaseFile(t); got.Addr != a {
		t.Errorf("lease file holds %v as active, want %v", got.Addr, a)
	}
}

// scriptReasons returns the reasons the client script was called with,
// in order.
func (c *bindClient) scriptReasons(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(lab.ReadFile(t, c.reasons)), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}
