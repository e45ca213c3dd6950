//go:build linux

package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestExitWithoutDaemon: `-x` when no daemon answers (it was killed)
// acts on the lease file: STOP with the stored lease, the address
// removed (SPEC §5), no DHCPRELEASE, the lease kept in the file.
func TestExitWithoutDaemon(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	r := newDaemonRig(t, l, "timeout 20;\n")
	ifname := l.ClientIf()
	addr := r.boundThenKilled(t, ifname)

	r.mustRun(t, 0, daemonReleaseLimit, []string{"-x", "-v"}, ifname)
	r.waitReason(t, "STOP", 5*time.Second)
	if got := l.AddrsOf(t, ifname); len(got) != 0 {
		t.Errorf("after -x %s still has %v", ifname, got)
	}
	if got := r.reasons(); slices.Contains(got, "RELEASE") {
		t.Errorf("hooks %v: -x must not release", got)
	}
	daemonLogLacks(t, srv.Log(), daemonDnsmasqRelease, time.Second)
	if l := r.storedLease(t, ifname); l == nil || l.Addr != addr {
		t.Errorf("lease file holds %v after -x, want the unexpired lease of %v", l, addr)
	}
	r.waitNoLeftovers(t, 5*time.Second)
}
