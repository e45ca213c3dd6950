//go:build linux

package e2e

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/linklocal"
	"github.com/leased/leased/test/lab"
)

var linkLocalNet = netip.MustParsePrefix("169.254.0.0/16")

// TestIPv4LinkLocal (issue 16 item 1, RFC 3927): with ipv4ll on and no
// server, the interface gets a 169.254.x.y/16 address after `timeout`,
// claimed with ARP probes and announcements seen on the wire, shown by
// the IPV4LL hook and by dhclientctl status; a server started later is
// found by the next DISCOVER round (ipv4ll-retry), its lease binds and
// the link-local address goes, with an IPV4LL hook that has old_*.
func TestIPv4LinkLocal(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	dir := t.TempDir()
	hookLog := filepath.Join(dir, "hooks")
	script := filepath.Join(dir, "script")
	conf := filepath.Join(dir, "dhclient.conf")
	lab.WriteFile(t, script, "#!/bin/sh\n# leased: native-mode dhclient-script\n"+
		"echo \"$reason new=$new_ip_address/$new_subnet_mask old=$old_ip_address\" >> "+hookLog+"\n", 0o755)
	lab.WriteFile(t, conf, "timeout 3;\ninitial-interval 1;\nipv4ll on;\nipv4ll-retry 5;\n", 0o644)

	var mu sync.Mutex
	var arps []platform.ARP
	lab.WatchARP(t, l.ServerNS(), l.ServerPeer(ifname), func(p platform.ARP) {
		if linkLocalNet.Contains(p.TargetIP) {
			mu.Lock()
			arps = append(arps, p)
			mu.Unlock()
		}
	})

	// Another host already holds the first candidate the client's MAC
	// gives (RFC 3927 §2.1): its kernel answers the probes, and the client
	// must move on to another address (§2.2.1).
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	taken := linklocal.Next(linklocal.Candidates(link.Attrs().HardwareAddr))
	srvLink, err := l.ServerHandle().LinkByName(l.ServerIf())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.ServerHandle().AddrAdd(srvLink, &netlink.Addr{IPNet: &net.IPNet{IP: taken.AsSlice(), Mask: net.CIDRMask(16, 32)}}); err != nil {
		t.Fatal(err)
	}

	pid := filepath.Join(dir, "dhclient.pid")
	sock := filepath.Join(dir, "dhclient.sock")
	p := lab.Start(t, l.ClientNS(), filepath.Join(dir, "dhclient.log"), dhclientBin, "-d", "-v",
		"-cf", conf, "-lf", filepath.Join(dir, "leases"), "-pf", pid, "-sf", script, ifname)

	var ll netip.Prefix
	lab.PollUntil(t, 60*time.Second, func() bool {
		ll = linkLocalOn(t, l, ifname)
		return ll.IsValid()
	}, func() string { return "a 169.254/16 address on " + ifname })
	if ll.Bits() != 16 || !linkLocalUsable(ll.Addr()) {
		t.Fatalf("link-local address %v: want a /16 in 169.254.1.0-169.254.254.255", ll)
	}
	if ll.Addr() == taken {
		t.Fatalf("claimed %v, which another host holds", taken)
	}
	mu.Lock()
	if seq := arpSummary(arps, taken); !strings.HasPrefix(seq, "probe") {
		t.Errorf("ARP for the taken %v: %q, want the client's probe", taken, seq)
	}
	mu.Unlock()

	// On the wire: PROBE_NUM probes from 0.0.0.0, then an announcement
	// (sender = target = the address) — RFC 3927 §2.2.1, §2.4.
	lab.PollUntil(t, 10*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(arpSummary(arps, ll.Addr()), "announce")
	}, func() string { return "an ARP announcement of " + ll.Addr().String() })
	mu.Lock()
	seq := arpSummary(arps, ll.Addr())
	mu.Unlock()
	t.Logf("ARP for %v: %s", ll.Addr(), seq)
	if !strings.HasPrefix(seq, "probe probe probe announce") {
		t.Errorf("ARP for %v on the wire: %q, want three probes then announcements", ll.Addr(), seq)
	}

	// Hook and status.
	waitHook(t, hookLog, "IPV4LL new="+ll.Addr().String()+"/255.255.0.0 old=", 10*time.Second)
	var st control.InterfaceStatus
	lab.PollUntil(t, 10*time.Second, func() bool {
		st = ctlStatus(t, sock, ifname)
		return st.LinkLocal == ll.Addr()
	}, func() string { return "status with the link-local address" })
	if st.Address.IsValid() {
		t.Errorf("status address %v while only link-local", st.Address)
	}
	if out := ctlOK(t, "-s", sock, "status", ifname); !strings.Contains(out, ll.String()) || !strings.Contains(out, "link-local") {
		t.Errorf("dhclientctl status does not show %v:\n%s", ll, out)
	}
	if routes := defaultRoutes(t, l, ifname); len(routes) != 0 {
		t.Errorf("default route with a link-local address: %v", routes)
	}

	// A server appears: the next DISCOVER round binds, and the
	// link-local address goes.
	l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: 10 * time.Minute})
	var leased control.InterfaceStatus
	lab.PollUntil(t, 60*time.Second, func() bool {
		leased = ctlStatus(t, sock, ifname)
		return leased.State == "BOUND" && leased.Address.IsValid()
	}, func() string { return ifname + " BOUND" })
	ctlWaitAddr(t, l, ifname, leased.Address, true)
	ctlWaitAddr(t, l, ifname, ll, false)
	if st := ctlStatus(t, sock, ifname); st.LinkLocal.IsValid() {
		t.Errorf("status still shows link-local %v after binding", st.LinkLocal)
	}
	waitHook(t, hookLog, "IPV4LL new=/ old="+ll.Addr().String(), 10*time.Second)
	hooks := lab.ReadFile(t, hookLog)
	if i, j := strings.Index(hooks, "old="+ll.Addr().String()), strings.Index(hooks, "BOUND"); j < i {
		t.Errorf("BOUND before the link-local address was given up:\n%s", hooks)
	}
	p.Stop()
}

// linkLocalOn returns the 169.254/16 address on ifname, if any.
func linkLocalOn(t *testing.T, l *lab.Lab, ifname string) netip.Prefix {
	t.Helper()
	for _, a := range l.Addrs(t, ifname) {
		ip, _ := netip.AddrFromSlice(a.IP.To4())
		if linkLocalNet.Contains(ip) {
			bits, _ := a.Mask.Size()
			return netip.PrefixFrom(ip, bits)
		}
	}
	return netip.Prefix{}
}

func linkLocalUsable(a netip.Addr) bool {
	b := a.As4()
	return linkLocalNet.Contains(a) && b[2] != 0 && b[2] != 255
}

// arpSummary lists the ARP packets about a in order: "probe" (sender
// 0.0.0.0), "announce" (sender a), "other".
func arpSummary(ps []platform.ARP, a netip.Addr) string {
	var s []string
	for _, p := range ps {
		switch {
		case p.TargetIP != a:
		case p.Request && p.SenderIP.IsUnspecified():
			s = append(s, "probe")
		case p.Request && p.SenderIP == a:
			s = append(s, "announce")
		default:
			s = append(s, "other")
		}
	}
	return strings.Join(s, " ")
}

// defaultRoutes lists the IPv4 default routes through ifname.
func defaultRoutes(t *testing.T, l *lab.Lab, ifname string) []netlink.Route {
	t.Helper()
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := h.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	var out []netlink.Route
	for _, r := range rs {
		if r.Dst == nil || r.Dst.String() == (&net.IPNet{IP: net.IPv4zero, Mask: net.CIDRMask(0, 32)}).String() {
			out = append(out, r)
		}
	}
	return out
}

// waitHook waits until the hook log holds line.
func waitHook(t *testing.T, file, line string, timeout time.Duration) {
	t.Helper()
	lab.PollUntil(t, timeout, func() bool {
		for _, l := range strings.Split(lab.ReadFile(t, file), "\n") {
			if l == line {
				return true
			}
		}
		return false
	}, func() string { return "hook line " + line })
}

// TestIPv4LinkLocalRoute: with ipv4ll-route on, the link-local address
// comes with an on-link default route (no gateway) at route-metric.
func TestIPv4LinkLocalRoute(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	conf := filepath.Join(dir, "dhclient.conf")
	lab.WriteFile(t, script, "#!/bin/sh\n# leased: native-mode dhclient-script\n", 0o755)
	lab.WriteFile(t, conf, "timeout 2;\ninitial-interval 1;\nipv4ll on;\nipv4ll-route on;\nroute-metric 77;\n", 0o644)
	p := lab.Start(t, l.ClientNS(), filepath.Join(dir, "dhclient.log"), dhclientBin, "-d", "-v",
		"-cf", conf, "-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "dhclient.pid"), "-sf", script, ifname)
	defer p.Stop()
	var routes []netlink.Route
	lab.PollUntil(t, 60*time.Second, func() bool {
		routes = defaultRoutes(t, l, ifname)
		return linkLocalOn(t, l, ifname).IsValid() && len(routes) > 0
	}, func() string {
		return fmt.Sprintf("a link-local address and a default route on %s (routes %v)", ifname, routes)
	})
	if r := routes[0]; r.Gw != nil || r.Priority != 77 {
		t.Errorf("default route %v: want on-link (no gateway) with metric 77", r)
	}
}
