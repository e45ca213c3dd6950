//go:build linux

package e2e

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// up (re)activates the connection and fails t when that fails.
func (r *nmRig) up(t *testing.T) {
	t.Helper()
	if out, err := r.run(t, "-w", "40", "connection", "up", nmConn); err != nil {
		t.Fatalf("activation with %s failed: %v\n%s", r.ifname, err, out)
	}
}

// want is what NetworkManager configures for the lease of a: the address
// and its subnet route, option 121's routes, the default one unless
// never-default; every route with the connection's metric.
func (r *nmRig) want(a netip.Addr, withDefault bool) nmWant {
	s, subnet := r.l.ServerAddr().String(), r.l.Subnet()
	w := nmWant{
		addrs: []string{netip.PrefixFrom(a, subnet.Bits()).String()},
		routes: []string{
			nmRouteKey(subnet.String(), "0.0.0.0", nmMetric),
			nmRouteKey(nmStatic.String(), s, nmMetric),
		},
	}
	if withDefault {
		w.routes = append(w.routes, nmRouteKey("0.0.0.0/0", s, nmMetric))
	}
	slices.Sort(w.routes)
	return w
}

// settled waits up to 5 s for the kernel's addresses and routes on the
// link to be the ones NetworkManager lists (it commits them just around
// the moment nmcli returns) and returns both views. A difference that
// lasts is reported by nmCheckKernel.
func (r *nmRig) settled(t *testing.T) (nmKernel, map[string][]string) {
	t.Helper()
	var k nmKernel
	var ip4 map[string][]string
	lab.Until(5*time.Second, func() bool {
		k, ip4 = nmReadKernel(t, r.l, r.ifname), r.show(t, "IP4")
		return slices.Equal(k.routeKeys(), nmRouteKeys(t, ip4)) &&
			slices.Equal(k.addrPrefixes(), slices.Sorted(slices.Values(ip4["IP4.ADDRESS"])))
	})

	return k, ip4
}

// nmStepBound activates the connection and checks that NetworkManager got
// the server's lease and the kernel has exactly what NM configured.
// It returns the leased address and the kernel state.
func nmStepBound(t *testing.T, r *nmRig, opts lab.ServerOpts) (netip.Addr, nmKernel) {
	t.Helper()
	r.up(t)
	l, s := r.l, r.l.ServerAddr()
	k, ip4 := r.settled(t)
	var a netip.Addr
	if got := ip4["IP4.ADDRESS"]; len(got) != 1 {
		t.Fatalf("NetworkManager has addresses %q, want one from the server", got)
	} else if p, err := netip.ParsePrefix(got[0]); err != nil || p.Bits() != l.Subnet().Bits() ||
		p.Addr().Less(l.Host(100)) || l.Host(199).Less(p.Addr()) {
		t.Fatalf("NetworkManager has address %q, want one of %v-%v/%d", got[0], l.Host(100), l.Host(199), l.Subnet().Bits())
	} else {
		a = p.Addr()
	}
	if got := ip4["IP4.GATEWAY"]; !slices.Equal(got, []string{s.String()}) {
		t.Errorf("NetworkManager has gateway %q, want %v (option 121's default route, not option 3's %v)", got, s, l.Host(2))
	}
	if got, want := ip4["IP4.DNS"], nmStrings(opts.DNS); !slices.Equal(got, want) {
		t.Errorf("NetworkManager has DNS servers %q, want %q", got, want)
	}
	nmCheckKernel(t, "bound", k, ip4, r.want(a, true))
	if k.mtu != nmMTU {
		t.Errorf("MTU of %s is %d, want %d from option 26", r.ifname, k.mtu, nmMTU)
	}
	dopts := r.dhcpOptions(t)
	for _, o := range []struct{ name, want string }{{"ip_address", a.String()}, {"interface_mtu", fmt.Sprint(nmMTU)}} {
		if got := dopts[o.name]; got != o.want {
			t.Errorf("NetworkManager's DHCP4 option %s is %q, want %q", o.name, got, o.want)
		}
	}
	return a, k
}

// nmStepRenewed waits for the renewal at T1: a second DHCPACK for a in the
// server's log and a RENEW event in NetworkManager's, then checks that
// the renewal was unicast to the server and the kernel state is still
// NetworkManager's. It returns the kernel state and whether the renewal
// happened.
func nmStepRenewed(t *testing.T, r *nmRig, srv *lab.Server, a netip.Addr) (nmKernel, bool) {
	t.Helper()
	ack := fmt.Sprintf("DHCPACK(%s) %v ", r.l.ServerIf(), a)
	renew := regexp.MustCompile(`dhcp4 \(` + regexp.QuoteMeta(r.ifname) + `\): DHCP event \(reason: 'RENEW'\)`)
	err := lab.Until(45*time.Second, func() bool {
		return strings.Count(nmReadFile(srv.Log()), ack) >= 2 && renew.MatchString(nmReadFile(r.nm.Log()))
	})

	if err != nil {
		t.Errorf("no renewal within 45 s of T1 (10 s): server ACKs for %v: %d, RENEW events in NetworkManager: %d",
			a, strings.Count(nmReadFile(srv.Log()), ack), len(renew.FindAllString(nmReadFile(r.nm.Log()), -1)))
		return nmKernel{}, false
	}
	// ISC's -q (which NM passes) sends its log to syslog only; leased
	// logs ISC's phrases to stderr under -d.
	if r.dhclient.name == "leased" {
		unicast := fmt.Sprintf("DHCPREQUEST for %v on %s to %v port 67", a, r.ifname, r.l.ServerAddr())
		if !strings.Contains(nmReadFile(r.dhclientLog), unicast) {
			t.Errorf("dhclient's log lacks %q: the renewal was not unicast to the server", unicast)
		}
	}
	k, ip4 := r.settled(t)
	nmCheckKernel(t, "renewed", k, ip4, r.want(a, true))
	return k, true
}

// nmStepNeverDefault reactivates with ipv4.never-default: no default route
// at all, and still only NetworkManager's routes.
func nmStepNeverDefault(t *testing.T, r *nmRig, a netip.Addr) nmKernel {
	t.Helper()
	r.mustRun(t, "connection", "modify", nmConn, "ipv4.never-default", "yes")
	r.up(t)
	k, ip4 := r.settled(t)
	if got := ip4["IP4.GATEWAY"]; len(got) != 0 {
		t.Errorf("never-default: NetworkManager has gateway %q, want none", got)
	}
	for _, rt := range k.routes {
		if nmRouteDst(rt) == "0.0.0.0/0" {
			t.Errorf("never-default: default route via %s metric %d proto %v on %s", nmRouteGw(rt), rt.Priority, rt.Protocol, r.ifname)
		}
	}
	nmCheckKernel(t, "never-default", k, ip4, r.want(a, false))
	return k
}

// nmStepFQDN reactivates with ipv4.dhcp-fqdn (NM then writes `send
// fqdn.fqdn`, `fqdn.encoded` and `fqdn.server-update` into dhclient.conf):
// the server must see option 81 and NetworkManager the fqdn_* options of
// its reply.
func nmStepFQDN(t *testing.T, r *nmRig, srv *lab.Server, a netip.Addr) nmKernel {
	t.Helper()
	r.mustRun(t, "connection", "modify", nmConn, "ipv4.never-default", "no", "ipv4.dhcp-fqdn", nmFQDN)
	r.up(t)
	tagged := regexp.MustCompile(`tags: .*\bopt81\b`)
	named := "client provides name: " + nmFQDN
	// dnsmasq logs the request before it answers; allow for its output
	// reaching the file a moment later.
	if lab.Until(5*time.Second, func() bool {
		log := nmReadFile(srv.Log())
		return tagged.MatchString(log) && strings.Contains(log, named)
	}) !=
		nil {
		log := nmReadFile(srv.Log())
		t.Errorf("dnsmasq saw no option 81 (FQDN) with %q: tagged opt81 %v, %q logged %v; its requests:\n%s",
			nmFQDN, tagged.MatchString(log), named, strings.Contains(log, named), nmServerRequests(srv.Log()))
	}
	dopts := r.dhcpOptions(t)
	for _, o := range []struct{ name, want string }{
		{"fqdn_fqdn", nmFQDN}, {"fqdn_encoded", "true"}, {"fqdn_server_update", "true"},
	} {
		if got, ok := dopts[o.name]; got != o.want {
			t.Errorf("NetworkManager's DHCP4 option %s is %q (present: %v), want %q; it has %s",
				o.name, got, ok, o.want, strings.Join(slices.Sorted(maps.Keys(dopts)), " "))
		}
	}
	k, ip4 := r.settled(t)
	nmCheckKernel(t, "fqdn", k, ip4, r.want(a, true))
	return k
}

// nmStepDisconnect disconnects the device: NetworkManager removes its
// addresses and routes and restores the MTU; dhclient exits on SIGTERM
// within the 500 ms NetworkManager waits before SIGKILL, without a
// DHCPRELEASE.
func nmStepDisconnect(t *testing.T, r *nmRig, srv *lab.Server, mtu0 int) nmKernel {
	t.Helper()
	pid := r.dhclientPid()
	if pid == 0 {
		t.Errorf("no dhclient pid file before the disconnect")
	}
	r.mustRun(t, "device", "disconnect", r.ifname)
	var k nmKernel
	lab.Until(10*time.Second, func() bool {
		k = nmReadKernel(t, r.l, r.ifname)
		return k.mtu == mtu0 && len(k.addrs) == 0 && len(k.routes) == 0
	})

	if k.mtu != mtu0 {
		t.Errorf("after the disconnect the MTU of %s is %d, want %d as before the activation", r.ifname, k.mtu, mtu0)
	}
	if len(k.addrs) != 0 || len(k.routes) != 0 {
		t.Errorf("after the disconnect %s still has\n%v", r.ifname, k)
	}
	if pid != 0 {
		if err := lab.Until(10*time.Second, func() bool { return !lab.Alive(pid) }); err != nil {
			t.Errorf("dhclient (pid %d) still running 10 s after the disconnect", pid)
		}
		// NetworkManager logs how its child ended: "kill child process
		// 'dhcp-client-IF' (PID): after sending SIGTERM (15), process PID
		// exited normally with status 0 (N usec elapsed)".
		termed := fmt.Sprintf("(%d): after sending SIGTERM (15), process %d exited", pid, pid)
		if !strings.Contains(nmReadFile(r.nm.Log()), termed) {
			t.Errorf("dhclient (pid %d) did not exit on NetworkManager's SIGTERM; NetworkManager's log:\n%s",
				pid, nmGrep(r.nm.Log(), "kill child process"))
		}
	}
	if strings.Contains(nmReadFile(srv.Log()), "DHCPRELEASE") {
		t.Errorf("dhclient sent a DHCPRELEASE when NetworkManager stopped it (ISC does not):\n%s", nmServerRequests(srv.Log()))
	}
	return k
}

// nmGrep returns the lines of file that contain substr.
func nmGrep(file, substr string) string {
	var keep []string
	for _, line := range strings.Split(nmReadFile(file), "\n") {
		if strings.Contains(line, substr) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// nmServerRequests returns the lines of dnsmasq's log (log-dhcp) that say
// what clients sent: message types, tags, names.
func nmServerRequests(file string) string {
	var keep []string
	for _, line := range strings.Split(nmReadFile(file), "\n") {
		if nmServerLine.MatchString(line) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep[max(0, len(keep)-40):], "\n")
}

// nmServerLine matches dnsmasq's lines about a client's message.
var nmServerLine = regexp.MustCompile(`DHCP[A-Z]+\(|tags: |provides name`)
