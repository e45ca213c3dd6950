//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// bindStatic is the non-default destination the bind tests' servers send
// in option 121.
var bindStatic = netip.MustParsePrefix("192.168.50.0/24")

// bindOpts is what the servers of the bind tests hand out: option 121
// with bindStatic and a default route, both via the server, and option 3
// naming another router that the client must ignore because option 121 is
// present (RFC 3442); MTU 1400.
func bindOpts(l *lab.Lab, leaseTime time.Duration) lab.ServerOpts {
	s := l.ServerAddr()
	return lab.ServerOpts{
		LeaseTime: leaseTime,
		Routers:   []netip.Addr{l.Host(2)},
		DNS:       []netip.Addr{s},
		MTU:       1400,
		ClasslessRoutes: []dhcp4.Route{
			{Dst: bindStatic, Gateway: s},
			{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: s},
		},
	}
}

// bindWantFor is the kernel state a client bound to a with opts must
// leave (SPEC §5).
func bindWantFor(l *lab.Lab, a netip.Addr, opts lab.ServerOpts) bindWant {
	return bindWant{
		addr:      a,
		prefix:    l.Subnet().Bits(),
		broadcast: bindBroadcastOf(l.Subnet()),
		lease:     opts.LeaseTime,
		gateway:   l.ServerAddr(),
		static:    bindStatic,
		metric:    bindMetric,
		mtu:       opts.MTU,
		notVia:    l.Host(2),
	}
}

// TestBindAgainstServers runs `dhclient -d -v -e IF_METRIC=100 IF` against
// dnsmasq, ISC dhcpd and Kea and checks the kernel state it leaves (through
// netlink), its ISC log phrases (reference §8), the server's view and the
// lease file.
func TestBindAgainstServers(t *testing.T) {
	for _, k := range serverKinds {
		if k.name == "fake" {
			continue // real servers only; the fake server has its own tests
		}
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			l := lab.New(t)
			opts := bindOpts(l, 10*time.Minute)
			srv := k.start(l, t, opts)
			c := newBindClient(t, l)
			p := c.start(t, "dhclient")

			a, renewal := bindWaitBound(t, p, 1, 30*time.Second)
			checkBindLog(t, lab.ReadFile(t, p.Log()), c.ifname, a, l.ServerAddr())
			if renewal <= 0 || renewal > opts.LeaseTime {
				t.Errorf("renewal in %v, want within the lease time %v", renewal, opts.LeaseTime)
			}
			if first, last := l.Host(100), l.Host(199); a.Less(first) || last.Less(a) {
				t.Errorf("bound to %v, outside the server's range %v-%v", a, first, last)
			}
			lab.WaitLog(t, srv.Log(), logPhrase(k.ack(a), l), 10*time.Second)
			// The address is configured before the bind message and the
			// BOUND hook (SPEC §6.5), so no wait is needed here; the lease
			// file is written beside them (README "Lease file").
			bindCheckKernel(t, l, c.ifname, bindWantFor(l, a, opts))
			c.waitLeaseFile(t, a)
			lab.PollUntil(t, 10*time.Second, func() bool { return slices.Contains(c.scriptReasons(t), "BOUND") },
				func() string { return "the BOUND hook in " + lab.ReadFile(t, c.reasons) })

		})
	}
}

// checkBindLog checks the ISC phrases (reference §8) of a first bind to a
// from server on ifname.
func checkBindLog(t *testing.T, log, ifname string, a, server netip.Addr) {
	t.Helper()
	for _, want := range []string{
		fmt.Sprintf("DHCPDISCOVER on %s to 255.255.255.255 port 67", ifname),
		fmt.Sprintf("DHCPOFFER of %v from %v", a, server),
		fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", a, ifname),
		fmt.Sprintf("DHCPACK of %v from %v", a, server),
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
