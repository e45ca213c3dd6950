//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// The NetworkManager test's connection profile, and the MTU its server
// sends.
const (
	nmConn   = "leased-e2e"
	nmMetric = 555                // ipv4.route-metric: every route on the link must carry it
	nmFQDN   = "host.example.com" // ipv4.dhcp-fqdn, in the fqdn step
	nmMTU    = 1400
)

// nmStatic is option 121's non-default destination.
var nmStatic = netip.MustParsePrefix("192.0.2.0/24")

// nmCheckpoints are the steps after which the kernel state is recorded and
// compared with ISC dhclient's, in order.
var nmCheckpoints = []string{"bound", "renewed", "never-default", "fqdn", "disconnected"}

// nmServerOpts is what dnsmasq hands out: option 121 with nmStatic and a
// default route via the server, option 3 naming another router that
// NetworkManager must ignore (RFC 3442), two DNS servers, MTU 1400, and
// T1 10 s so that a renewal happens within the test (dnsmasq's shortest
// lease is 2 minutes).
func nmServerOpts(l *lab.Lab) lab.ServerOpts {
	s := l.ServerAddr()
	return lab.ServerOpts{
		LeaseTime: 2 * time.Minute,
		T1:        10 * time.Second,
		Routers:   []netip.Addr{l.Host(2)},
		DNS:       []netip.Addr{l.Host(53), l.Host(54)},
		ClasslessRoutes: []dhcp4.Route{
			{Dst: nmStatic, Gateway: s},
			{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: s},
		},
		Extra: []string{
			// NetworkManager's dhclient.conf does not request option 26.
			fmt.Sprintf("dhcp-option-force=option:mtu,%d", nmMTU),
			// log-dhcp prints "tags: opt81, ..." for requests with option 81.
			"dhcp-match=set:opt81,81",
			// Accept the client's FQDN in this domain and send it back.
			"domain=example.com",
		},
	}
}

// TestNetworkManager runs the real NetworkManager with dhcp=dhclient and
// leased as its dhclient (SPEC §5.0): leased must leave every address,
// route and MTU to NetworkManager (which gets the lease through
// nm-dhcp-helper), renew at T1 whoever added the address, send the FQDN
// option NM asks for, and stop without a DHCPRELEASE. The same scenario
// runs with ISC dhclient where it is installed, and the kernel states
// after each step must be the same.
func TestNetworkManager(t *testing.T) {
	t.Parallel()
	tools := nmRequire(t)
	// Each run fills its own map (the kernel state after each checkpoint
	// it reached); they are read once both are over.
	leased, isc := map[string]string{}, map[string]string{}
	iscRan := false
	t.Run("scenario", func(t *testing.T) {
		t.Run("leased", func(t *testing.T) {
			t.Parallel()
			nmScenario(t, tools, nmDhclient{name: "leased", bin: dhclientBin}, leased)
		})
		t.Run("ISC dhclient", func(t *testing.T) {
			if nmISCDhclient() == "" {
				t.Skipf("ISC dhclient (isc-dhcp-client) is not %s: no comparison with it", nmDhclientPath)
			}
			iscRan = true
			t.Parallel()
			nmScenario(t, tools, nmDhclient{name: "isc"}, isc)
		})
	})
	t.Run("kernel state as with ISC dhclient", func(t *testing.T) {
		if !iscRan {
			t.Skip("no ISC dhclient run to compare with")
		}
		for _, cp := range nmCheckpoints {
			l, okL := leased[cp]
			i, okI := isc[cp]
			if !okL || !okI {
				t.Errorf("after %q: no state recorded (leased %v, ISC %v): a run stopped early", cp, okL, okI)
				continue
			}
			if l != i {
				t.Errorf("after %q the kernel state differs\nwith leased:\n%s\nwith ISC dhclient:\n%s", cp, l, i)
			}
		}
	})
}

// nmScenario activates a DHCP connection through NetworkManager with the
// given dhclient, checks each step, and records in states the normalized
// kernel state after each checkpoint it reaches.
func nmScenario(t *testing.T, tools nmTools, dhclient nmDhclient, states map[string]string) {
	dir := t.TempDir() // before the lab: removed after its processes are gone
	l := lab.New(t)
	opts := nmServerOpts(l)
	srv := l.StartDnsmasq(t, opts)
	r := nmStart(t, l, tools, dir, dhclient)
	mtu0 := nmReadKernel(t, l, r.ifname).mtu

	r.mustRun(t, "connection", "add", "type", "ethernet", "ifname", r.ifname, "con-name", nmConn,
		"connection.autoconnect", "no", "ipv4.method", "auto", "ipv6.method", "disabled",
		"ipv4.route-metric", fmt.Sprint(nmMetric))

	a, k := nmStepBound(t, r, opts)
	states["bound"] = k.normalized(l, a)
	if k, ok := nmStepRenewed(t, r, srv, a); ok {
		states["renewed"] = k.normalized(l, a)
		if states["renewed"] != states["bound"] {
			t.Errorf("the renewal changed the kernel state\nbefore:\n%s\nafter:\n%s", states["bound"], states["renewed"])
		}
	}
	states["never-default"] = nmStepNeverDefault(t, r, a).normalized(l, a)
	states["fqdn"] = nmStepFQDN(t, r, srv, a).normalized(l, a)
	states["disconnected"] = nmStepDisconnect(t, r, srv, mtu0).normalized(l, a)
}

// nmStrings renders addresses as strings.
func nmStrings(as []netip.Addr) []string {
	var s []string
	for _, a := range as {
		s = append(s, a.String())
	}
	return s
}
