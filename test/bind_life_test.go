//go:build linux

package e2e

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestLeaseLifeWithDhcpd follows one 30 s lease from ISC dhcpd (T1 10 s,
// T2 20 s) through its life: a unicast renewal at T1 that the server
// acknowledges, then, with the server stopped, unicast retries until T2, a
// broadcast rebind after T2, and at expiry the address and routes removed
// with the EXPIRE hook (RFC 2131 §4.4.5, reference §6.2, SPEC §5).
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
	bound := time.Now()
	// ISC randomises T1 to (3*T1+3)/4 + (random()%T1+3)/4 whole seconds
	// (reference §6.2): 8..11 s for T1 10 s, a little above T1 at most
	// because of the +3 rounding terms.
	t1s := int64(t1 / time.Second)
	lo, hi := (3*t1s+3)/4, (3*t1s+3)/4+(t1s-1+3)/4 // random()%T1 from 0 to T1-1
	if renewal < time.Duration(lo)*time.Second-time.Second || renewal > time.Duration(hi)*time.Second {
		t.Errorf("renewal in %v, want ISC's randomised T1 of %d..%d s", renewal, lo, hi)
	}
	bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))

	// Renewal: unicast to the server from the bound address.
	unicast := fmt.Sprintf("DHCPREQUEST for %v on %s to %v port 67", a, c.ifname, l.ServerAddr())
	bindWaitBound(t, p, 2, renewal+10*time.Second)
	renewed := time.Now()
	if got := renewed.Sub(bound); got < renewal-time.Second {
		t.Errorf("renewed %v after binding, announced %v", got, renewal)
	}
	if bindCountLines(bindReadFile(t, p.Log()), unicast) != 1 {
		t.Errorf("want one %q before the second bind:\n%s", unicast, bindReadFile(t, p.Log()))
	}
	// dhcpd logs the server identifier in parentheses after the address
	// for a REQUEST of SELECTING; a renewal carries none. It names the
	// receiving interface with "via" for a unicast as for a broadcast.
	renewSeen := fmt.Sprintf("DHCPREQUEST for %v from ", a)
	acked := fmt.Sprintf("DHCPACK on %v to ", a)
	bindPoll(t, 5*time.Second, func() bool {
		log := bindReadFile(t, srv.Log())
		return bindCountLines(log, renewSeen) == 1 && bindCountLines(log, acked) == 2
	}, func() string {
		return fmt.Sprintf("%q and a second %q in the server log:\n%s", renewSeen, acked, bindReadFile(t, srv.Log()))
	})
	bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))
	srv.Stop()

	// Rebinding: broadcast once T2 has passed. The first broadcast
	// REQUEST of the log is the one of SELECTING.
	broadcast := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", a, c.ifname)
	bindPoll(t, t2+5*time.Second, func() bool { return bindCountLines(bindReadFile(t, p.Log()), broadcast) >= 2 },
		func() string { return fmt.Sprintf("a rebind %q:\n%s", broadcast, bindReadFile(t, p.Log())) })
	if got := time.Since(renewed); got < t2-time.Second {
		t.Errorf("broadcast rebind %v after the renewal, before T2 %v", got, t2)
	}
	if n := bindCountLines(bindReadFile(t, p.Log()), unicast); n < 2 {
		t.Errorf("%d unicast REQUESTs, want retries between T1 and T2 after the first renewal", n)
	}

	// Expiry: the address and the routes go, the hook hears EXPIRE.
	bindPoll(t, leaseTime-time.Since(renewed)+5*time.Second, func() bool {
		return !bindHasAddr(t, l, c.ifname, a) && len(bindGatewayRoutes(t, l, c.ifname)) == 0
	}, func() string {
		return fmt.Sprintf("%v and its routes to go: addresses %v, routes %v", a, bindLinkAddrs(t, l, c.ifname), bindGatewayRoutes(t, l, c.ifname))
	})
	if got := time.Since(renewed); got < leaseTime-2*time.Second {
		t.Errorf("address removed %v after the renewal, before the lease time %v", got, leaseTime)
	}
	bindPoll(t, 5*time.Second, func() bool { return slices.Contains(c.scriptReasons(t), "EXPIRE") },
		func() string { return "the EXPIRE hook in " + bindReadFile(t, c.reasons) })
	if mtu := bindLinkMTU(t, l, c.ifname); mtu != mtu0 {
		t.Errorf("MTU %d after expiry, want %d restored (SPEC §5)", mtu, mtu0)
	}
}
