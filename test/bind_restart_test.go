//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestInitRebootFromLeaseFile binds, stops the client with SIGTERM (which
// leaves the interface configured and runs no script, SPEC §13) and starts
// it again on the same lease file: the restart asks for the recorded
// address with one broadcast INIT-REBOOT REQUEST and no DISCOVER (RFC 2131
// §3.2, reference §6.2) and binds to it again.
func TestInitRebootFromLeaseFile(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	opts := bindOpts(l, 10*time.Minute)
	srv := l.StartDhcpd(t, opts)
	c := newBindClient(t, l)

	first := c.start(t, "first")
	a, _ := bindWaitBound(t, first, 1, 30*time.Second)
	lab.PollUntil(t, 10*time.Second, func() bool { return slices.Contains(c.scriptReasons(t), "BOUND") },
		func() string { return "the BOUND hook in " + lab.ReadFile(t, c.reasons) })

	calls := len(c.scriptReasons(t))
	if err := first.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	lab.WaitGone(t, first.Pid(), 10*time.Second)
	if !l.HasAddr(t, c.ifname, a) {
		t.Errorf("SIGTERM removed %v; it must leave the interface configured (SPEC §13)", a)
	}
	if got := c.scriptReasons(t)[calls:]; len(got) != 0 {
		t.Errorf("SIGTERM ran the script with %v; it must run none (SPEC §13)", got)
	}
	if _, err := os.Stat(c.pid); !os.IsNotExist(err) {
		t.Errorf("pid file after SIGTERM: %v, want it removed (SPEC §13)", err)
	}
	if got := c.readLeaseFile(t); got.Addr != a {
		t.Fatalf("lease file holds %v, want %v", got.Addr, a)
	}

	second := c.start(t, "second")
	again, _ := bindWaitBound(t, second, 1, 30*time.Second)
	if again != a {
		t.Errorf("bound to %v after the restart, want the recorded %v", again, a)
	}
	log := lab.ReadFile(t, second.Log())
	reboot := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", a, c.ifname)
	if n := bindCountLines(log, reboot); n != 1 {
		t.Errorf("%d of %q after the restart, want 1:\n%s", n, reboot, log)
	}
	if strings.Contains(log, "DHCPDISCOVER") {
		t.Errorf("DISCOVER after a restart with an unexpired lease:\n%s", log)
	}
	// dhcpd saw one REQUEST without a server identifier: the INIT-REBOOT.
	seen := fmt.Sprintf("DHCPREQUEST for %v from ", a)
	lab.WaitLog(t, srv.Log(), seen, 5*time.Second)
	if n := bindCountLines(lab.ReadFile(t, srv.Log()), seen); n != 1 {
		t.Errorf("dhcpd saw %d REQUESTs without a server identifier, want 1", n)
	}
	lab.PollUntil(t, 10*time.Second, func() bool { return slices.Contains(c.scriptReasons(t)[calls:], "REBOOT") },
		func() string { return "the REBOOT hook in " + lab.ReadFile(t, c.reasons) })

	bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))
}

// kill9Tries is how many times TestLeaseFileSurvivesKill9 kills the client.
const kill9Tries = 20

// TestLeaseFileSurvivesKill9 kills the client with SIGKILL at random
// moments while `dhclientctl renew` makes it renew, and so rewrite its
// lease file, as fast as it can; after every kill the lease file parses
// without an error and holds the lease (SPEC §7: written atomically,
// readable after kill -9 at any moment).
func TestLeaseFileSurvivesKill9(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	l.StartDhcpd(t, bindOpts(l, 10*time.Minute))
	c := newBindClient(t, l)
	moments := lab.SeededRand(t)
	renewal := "on " + c.ifname + " to " + l.ServerAddr().String() + " port 67"
	var renewals int
	for i := range kill9Tries {
		p := c.start(t, fmt.Sprintf("run-%02d", i))
		if i == 0 {
			bindWaitBound(t, p, 1, 30*time.Second) // a lease file to start from
		}
		killWhileRenewing(t, c, p, renewal, time.Duration(moments.Int64N(int64(2*time.Second))))
		c.readLeaseFile(t)
		renewals += bindCountLines(lab.ReadFile(t, p.Log()), renewal)
	}
	t.Logf("%d unicast renewals in %d runs", renewals, kill9Tries)
}

// killWhileRenewing keeps client p renewing, waits for its first unicast
// renewal, and kills it with SIGKILL after. The kill must hit a renewing
// client, or the run proves nothing about writes; after is drawn from two
// REQUEST gaps (renewals come one a second at most), so the kills fall on
// every phase of a write.
func killWhileRenewing(t *testing.T, c *bindClient, p *lab.Proc, renewal string, after time.Duration) {
	t.Helper()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); bindRenewLoop(c, stop) }()
	defer func() { close(stop); <-done }()
	lab.WaitLog(t, p.Log(), renewal, 30*time.Second)
	time.Sleep(after)
	if err := p.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.Done()
}

// bindRenewLoop asks the client for a renewal over and over until stop is
// closed. Requests that find the daemon not yet listening or not bound
// fail, and that is fine: the loop only has to keep the lease file busy.
func bindRenewLoop(c *bindClient, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		cmd := exec.Command(dhclientctlBin, "-s", c.socket(), "renew", c.ifname)
		cmd.Run()
	}
}
