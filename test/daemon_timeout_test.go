//go:build linux

package e2e

import (
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/test/lab"
)

// TestTimeoutUsesRecordedLease: the server is gone, the lease file holds
// an unexpired lease. INIT-REBOOT gives up after `reboot`, DISCOVER after
// `timeout`; then the recorded lease goes to the TIMEOUT hook, whose exit
// 0 binds it (reference §3.2, golden scenario 3): the address is on the
// link again and the log says "Trying recorded lease" and "bound:
// renewal in".
func TestTimeoutUsesRecordedLease(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 4;\nreboot 2;\ninitial-interval 1;\n")
	ifname := l.ClientIf()
	p := lab.Start(t, l.ClientNS(), r.dir+"/first.log", r.argv([]string{"-d", "-v"}, ifname)...)
	p.WaitLog(t, "bound to ", daemonBindLimit)
	addr := daemonBoundAddr(t, l, ifname)
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.Done()
	srv.Stop()
	// The lease survives in the file only: take the address away, as a
	// reboot would.
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	addrs, err := h.AddrList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if err := h.AddrDel(link, &a); err != nil {
			t.Fatal(err)
		}
	}

	q := lab.Start(t, l.ClientNS(), r.dir+"/second.log", r.argv([]string{"-d", "-v"}, ifname)...)
	q.WaitLog(t, "bound: renewal in ", 20*time.Second)
	b, err := os.ReadFile(q.Log())
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, want := range []string{
		"DHCPREQUEST for " + addr.String() + " on " + ifname + " to 255.255.255.255 port 67",
		"DHCPDISCOVER on " + ifname,
		"No DHCPOFFERS received.",
		"Trying recorded lease " + addr.String(),
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if got := l.AddrsOf(t, ifname); !slices.Contains(got, addr) {
		t.Errorf("after TIMEOUT accepted, %s has %v, want %v", ifname, got, addr)
	}
	if got := r.reasons(); !slices.Contains(got, "TIMEOUT") || slices.Contains(got[slices.Index(got, "TIMEOUT"):], "FAIL") {
		t.Errorf("hooks %v, want TIMEOUT and no FAIL after it", got)
	}
}
