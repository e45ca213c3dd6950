//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// TestLeaseLifeWithDhcpd follows one 30 s lease from ISC dhcpd (T1 10 s,
// T2 20 s) through its life: a unicast renewal at T1 that the server
// acknowledges, then, with the server stopped, unicast retries until T2, a
// broadcast rebind after T2, and at expiry the address and routes removed
// with the EXPIRE hook (RFC 2131 §4.4.5, reference §6.2, SPEC §5).
//
// Each phase is checked by the order of events in the logs and against
// the lease's own T1, T2 and expiry from the lease file: a timer cannot
// fire early, so a phase the test sees has begun no earlier than its
// time, however late the test looks.
func TestLeaseLifeWithDhcpd(t *testing.T) {
	t.Parallel()
	const leaseTime, t1, t2 = 30 * time.Second, 10 * time.Second, 20 * time.Second
	l := lab.New(t)
	opts := bindOpts(l, leaseTime)
	opts.T1, opts.T2 = t1, t2
	srv := l.StartDhcpd(t, opts)
	c := newBindClient(t, l)
	mtu0 := bindLinkMTU(t, l, c.ifname)
	p := c.start(t, "dhclient")

	a, renewal := bindWaitBound(t, p, 1, 30*time.Second)
	first := lifeLease(t, c, a, time.Time{})
	// ISC randomises T1 to (3*T1+3)/4 + (random()%T1+3)/4 whole seconds
	// (reference §6.2): 8..11 s for T1 10 s, a little above T1 at most
	// because of the +3 rounding terms.
	t1s := int64(t1 / time.Second)
	lo, hi := (3*t1s+3)/4, (3*t1s+3)/4+(t1s-1+3)/4 // random()%T1 from 0 to T1-1
	if renewal < time.Duration(lo)*time.Second-time.Second || renewal > time.Duration(hi)*time.Second {
		t.Errorf("renewal in %v, want ISC's randomised T1 of %d..%d s", renewal, lo, hi)
	}
	// The lease file, whose times the phases below are checked against,
	// holds the same schedule in whole seconds from the ACK.
	if got := first.Rebind.Sub(first.Renew); got < t2-time.Duration(hi)*time.Second || got > t2-time.Duration(lo-1)*time.Second {
		t.Errorf("lease file: T2 %v after T1, want T2 %v minus the randomised T1", got, t2)
	}
	if got := first.Expire.Sub(first.Rebind); got != leaseTime-t2 {
		t.Errorf("lease file: expiry %v after T2, want %v", got, leaseTime-t2)
	}
	bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))

	// Renewal: unicast to the server from the bound address, once T1 has
	// come and before T2: no broadcast REQUEST besides SELECTING's.
	unicast := fmt.Sprintf("DHCPREQUEST for %v on %s to %v port 67", a, c.ifname, l.ServerAddr())
	broadcast := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", a, c.ifname)
	bindWaitBound(t, p, 2, renewal+10*time.Second)
	if seen := time.Now(); seen.Before(first.Renew) {
		t.Errorf("renewal seen at %v, before T1 %v", seen, first.Renew)
	}
	if log := lab.ReadFile(t, p.Log()); bindCountLines(log, unicast) != 1 || bindCountLines(log, broadcast) != 1 ||
		!inOrder(log, "bound to ", unicast, "state change from=BOUND to=RENEWING", "bound to ") {
		t.Errorf("want the bind, one %q in RENEWING, and the second bind, with no rebind:\n%s", unicast, log)
	}
	renewed := lifeLease(t, c, a, first.Renew)
	// dhcpd logs the server identifier in parentheses after the address
	// for a REQUEST of SELECTING; a renewal carries none. It names the
	// receiving interface with "via" for a unicast as for a broadcast.
	renewSeen := fmt.Sprintf("DHCPREQUEST for %v from ", a)
	acked := fmt.Sprintf("DHCPACK on %v to ", a)
	lab.PollUntil(t, 5*time.Second, func() bool {
		log := lab.ReadFile(t, srv.Log())
		return bindCountLines(log, renewSeen) == 1 && bindCountLines(log, acked) == 2
	}, func() string {
		return fmt.Sprintf("%q and a second %q in the server log:\n%s", renewSeen, acked, lab.ReadFile(t, srv.Log()))
	})

	bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))
	srv.Stop()

	// Rebinding: broadcast once T2 has passed, after unicast retries. The
	// first broadcast REQUEST of the log is the one of SELECTING.
	lab.PollUntil(t, t2+5*time.Second, func() bool { return bindCountLines(lab.ReadFile(t, p.Log()), broadcast) >= 2 },
		func() string { return fmt.Sprintf("a rebind %q:\n%s", broadcast, lab.ReadFile(t, p.Log())) })

	if seen := time.Now(); seen.Before(renewed.Rebind) {
		t.Errorf("broadcast rebind seen at %v, before T2 %v", seen, renewed.Rebind)
	}
	if !l.HasAddr(t, c.ifname, a) {
		t.Errorf("%v gone while rebinding, before the lease ended", a)
	}
	log := lab.ReadFile(t, p.Log())
	if n := bindCountLines(log, unicast); n < 2 {
		t.Errorf("%d unicast REQUESTs, want retries between T1 and T2 after the first renewal", n)
	}
	_, afterRenewal, _ := strings.Cut(log, "state change from=RENEWING to=BOUND")
	if !inOrder(afterRenewal, unicast, "state change from=BOUND to=RENEWING", unicast,
		broadcast, "state change from=RENEWING to=REBINDING") {
		t.Errorf("want unicast retries in RENEWING, then the broadcast of REBINDING:\n%s", log)
	}

	// Expiry: the address and the routes go, the hook hears EXPIRE, once
	// the lease's last second has passed (ISC: cur_time > expiry).
	end := renewed.Expire.Add(time.Second)
	lab.PollUntil(t, time.Until(end)+10*time.Second, func() bool {
		return !l.HasAddr(t, c.ifname, a) && len(bindGatewayRoutes(t, l, c.ifname)) == 0
	}, func() string {
		return fmt.Sprintf("%v and its routes to go: addresses %v, routes %v", a, l.Addrs(t, c.ifname), bindGatewayRoutes(t, l, c.ifname))
	})

	lab.PollUntil(t, 5*time.Second, func() bool { return slices.Contains(c.scriptReasons(t), "EXPIRE") },
		func() string { return "the EXPIRE hook in " + lab.ReadFile(t, c.reasons) })

	if seen := time.Now(); seen.Before(end) {
		t.Errorf("EXPIRE seen at %v, before the lease ended at %v", seen, end)
	}
	if got := c.scriptReasons(t); !inOrder(strings.Join(got, " "), "RENEW", "EXPIRE") || slices.Contains(got, "REBIND") {
		t.Errorf("hook reasons %v, want RENEW, then EXPIRE without a REBIND", got)
	}
	if mtu := bindLinkMTU(t, l, c.ifname); mtu != mtu0 {
		t.Errorf("MTU %d after expiry, want %d restored (SPEC §5)", mtu, mtu0)
	}
}

// lifeLease waits until the client's lease file holds an active lease of
// a whose T1 is after after, and returns it. The file is rewritten at
// each bind, atomically, so any version of it parses. A renewal's T1
// comes after the previous one even when the server, as dhcpd within
// its cache threshold, keeps the expiry.
func lifeLease(t *testing.T, c *bindClient, a netip.Addr, after time.Time) *statemachine.Lease {
	t.Helper()
	var got *statemachine.Lease
	lab.PollUntil(t, 5*time.Second, func() bool {
		f, err := os.Open(c.leases)
		if err != nil {
			return false
		}
		defer f.Close()
		file, errs := lease.Parse(f, c.leases, dhcp4.NewCatalogue())
		if len(errs) > 0 {
			t.Fatalf("lease file does not parse: %v\n%s", errs, lab.ReadFile(t, c.leases))
		}
		got, _ = file.Active(c.ifname, time.Now())
		return got != nil && got.Addr == a && got.Renew.After(after)
	}, func() string {
		return fmt.Sprintf("a lease of %v renewing after %v in %s:\n%s", a, after, c.leases, lab.ReadFile(t, c.leases))
	})

	return got
}
