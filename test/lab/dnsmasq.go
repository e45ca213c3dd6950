//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
)

// StartDnsmasq starts dnsmasq (DHCP only, DNS off) on ServerIf with opts
// and waits until it serves. A missing dnsmasq stops t (see Unavailable).
func (l *Lab) StartDnsmasq(t testing.TB, opts ServerOpts) *Server {
	t.Helper()
	bin := RequireBinary(t, "dnsmasq", "dnsmasq-base")
	dir := newServerDir(t, "dnsmasq")
	s := &Server{Kind: "dnsmasq", dir: dir, conf: filepath.Join(dir, "dnsmasq.conf"), leases: filepath.Join(dir, "dnsmasq.leases")}
	writeFile(t, s.conf, dnsmasqConf(l.ServerIf(), s.leases, l.Subnet(), opts.withDefaults(l.Subnet())))
	// -d: foreground, log to stderr, keep root (the lease file is in a
	// directory only root may write).
	s.proc = Start(t, l.ServerNS(), s.Log(), bin, "-d", "--conf-file="+s.conf)
	s.WaitLog(t, "DHCP, IP range", serverReady)
	return s
}

// dnsmasqConf renders a dnsmasq configuration.
func dnsmasqConf(ifname, leases string, subnet netip.Prefix, o ServerOpts) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("port=0") // no DNS service
	line("interface=%s", ifname)
	line("bind-interfaces")
	line("no-resolv")
	line("no-hosts")
	line("no-ping") // offer at once instead of pinging the address first
	line("log-dhcp")
	line("dhcp-authoritative")
	line("dhcp-leasefile=%s", leases)
	line("dhcp-range=%v,%v,%v,%d", o.RangeStart, o.RangeEnd, maskOf(subnet), secs(o.LeaseTime))
	// An empty option value tells dnsmasq not to send its defaults.
	line("dhcp-option=option:router%s", addrList(o.Routers))
	line("dhcp-option=option:dns-server%s", addrList(o.DNS))
	if o.DomainName != "" {
		line("dhcp-option=option:domain-name,%s", o.DomainName)
	}
	if len(o.NTP) > 0 {
		line("dhcp-option=option:ntp-server%s", addrList(o.NTP))
	}
	if o.MTU != 0 {
		line("dhcp-option=option:mtu,%d", o.MTU)
	}
	if len(o.ClasslessRoutes) > 0 {
		var r []string
		for _, rt := range o.ClasslessRoutes {
			r = append(r, rt.Dst.String(), rt.Gateway.String())
		}
		line("dhcp-option=option:classless-static-route,%s", strings.Join(r, ","))
	}
	if o.T1 != 0 {
		line("dhcp-option=option:T1,%d", secs(o.T1))
	}
	if o.T2 != 0 {
		line("dhcp-option=option:T2,%d", secs(o.T2))
	}
	for _, e := range o.Extra {
		line("%s", e)
	}
	return b.String()
}

// addrList renders ",a,b" (or "" for none) for dnsmasq.
func addrList(as []netip.Addr) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString("," + a.String())
	}
	return b.String()
}
