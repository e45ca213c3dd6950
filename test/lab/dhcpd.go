//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
)

// StartDhcpd starts ISC dhcpd on ServerIf with opts and waits until it
// serves. A missing dhcpd stops t (see Unavailable).
func (l *Lab) StartDhcpd(t testing.TB, opts ServerOpts) *Server {
	t.Helper()
	bin := RequireBinary(t, "dhcpd", "isc-dhcp-server")
	dir := newServerDir(t, "dhcpd")
	s := &Server{Kind: "dhcpd", dir: dir, conf: filepath.Join(dir, "dhcpd.conf"), leases: filepath.Join(dir, "dhcpd.leases")}
	writeFile(t, s.conf, dhcpdConf(l.Subnet(), opts.withDefaults(l.Subnet())))
	writeFile(t, s.leases, "") // dhcpd refuses to start without one
	pid := filepath.Join(dir, "dhcpd.pid")
	s.proc = Start(t, l.ServerNS(), s.Log(), bin, "-4", "-f", "-d", "-cf", s.conf, "-lf", s.leases, "-pf", pid, l.ServerIf())
	s.WaitLog(t, "Server starting service.", serverReady)
	return s
}

// dhcpdConf renders an ISC dhcpd configuration.
func dhcpdConf(subnet netip.Prefix, o ServerOpts) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("authoritative;")
	line("ddns-update-style none;")
	line("ping-check false;") // offer at once instead of pinging first
	// Fixed lease time: what the client asks for in option 51 must not
	// change it.
	line("default-lease-time %d;", secs(o.LeaseTime))
	line("max-lease-time %d;", secs(o.LeaseTime))
	line("min-lease-time %d;", secs(o.LeaseTime))
	line("option rfc3442-classless-static-routes code 121 = array of integer 8;")
	for _, e := range o.Extra {
		line("%s", e)
	}
	line("subnet %v netmask %v {", subnet.Addr(), maskOf(subnet))
	line("  range %v %v;", o.RangeStart, o.RangeEnd)
	if len(o.Routers) > 0 {
		line("  option routers %s;", joinAddrs(o.Routers, ", "))
	}
	if len(o.DNS) > 0 {
		line("  option domain-name-servers %s;", joinAddrs(o.DNS, ", "))
	}
	if o.DomainName != "" {
		line("  option domain-name %q;", o.DomainName)
	}
	if len(o.NTP) > 0 {
		line("  option ntp-servers %s;", joinAddrs(o.NTP, ", "))
	}
	if o.MTU != 0 {
		line("  option interface-mtu %d;", o.MTU)
	}
	if len(o.ClasslessRoutes) > 0 {
		line("  option rfc3442-classless-static-routes %s;", decimalBytes(classlessBytes(o.ClasslessRoutes)))
	}
	if o.T1 != 0 {
		line("  option dhcp-renewal-time %d;", secs(o.T1))
	}
	if o.T2 != 0 {
		line("  option dhcp-rebinding-time %d;", secs(o.T2))
	}
	line("}")
	return b.String()
}
