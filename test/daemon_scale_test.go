//go:build linux

package e2e

import (
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestSixteenInterfaces: one daemon binds 16 interfaces against one
// server, each with its own address: a daemon scales to many links.
func TestSixteenInterfaces(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	for range 15 {
		l.AddClientLink(t)
	}
	ifaces := l.ClientIfs()
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	// dnsmasq may offer one address to two clients at once and NAK the
	// second REQUEST, which ISC ignores in REQUESTING (no active lease):
	// reboot bounds how long that client waits before DISCOVER again.
	r := newDaemonRig(t, l, "timeout 30;\nreboot 3;\ninitial-interval 1;\n")
	p := lab.Start(t, l.ClientNS(), r.dir+"/daemon.log", r.argv([]string{"-d", "-v"}, ifaces...)...)
	t.Cleanup(func() {
		if t.Failed() {
			for _, f := range []string{p.Log(), srv.Log()} {
				b, _ := os.ReadFile(f)
				t.Logf("--- %s ---\n%s", f, b)
			}
		}
	})

	deadline := time.Now().Add(daemonBindLimit)
	seen := map[netip.Addr]string{}
	for _, ifname := range ifaces {
		for len(l.AddrsOf(t, ifname)) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%s not bound within %v; %d of %d bound", ifname, daemonBindLimit, len(seen), len(ifaces))
			}
			time.Sleep(50 * time.Millisecond)
		}
		a := daemonBoundAddr(t, l, ifname)
		if other, dup := seen[a]; dup {
			t.Errorf("%s and %s both have %v", other, ifname, a)
		}
		seen[a] = ifname
	}
	if !lab.Alive(p.Pid()) {
		t.Fatalf("the daemon exited after binding:\n%v", p.Err())
	}
	for a := range seen {
		p.WaitLog(t, "bound to "+a.String()+" -- renewal in ", time.Second)
	}
}
