package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/fakeserver"
)

// parseArgs turns the command line into a server configuration; addrOf
// returns an interface's first IPv4 address with its prefix.
func parseArgs(args []string, stderr io.Writer, addrOf func(string) (netip.Prefix, error)) (fakeserver.Config, error) {
	fs := flag.NewFlagSet("fakedhcpd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ifname := fs.String("i", "", "interface to serve (required)")
	lease := fs.Duration("lease", fakeserver.DefaultLeaseTime, "lease time")
	rng := fs.String("range", "", "address range FIRST-LAST (default .100-.199 of the subnet)")
	router := fs.String("router", "", "routers, comma-separated (option 3)")
	dns := fs.String("dns", "", "DNS servers, comma-separated (option 6)")
	domain := fs.String("domain", "", "domain name (option 15)")
	ntp := fs.String("ntp", "", "NTP servers, comma-separated (option 42)")
	mtu := fs.Int("mtu", 0, "interface MTU (option 26)")
	routes := fs.String("route", "", "classless routes DST/LEN=GW, comma-separated (option 121)")
	if err := fs.Parse(args); err != nil {
		return fakeserver.Config{}, err
	}
	if *ifname == "" || fs.NArg() != 0 {
		fs.Usage()
		return fakeserver.Config{}, errors.New("usage: fakedhcpd -i IF [flags]")
	}
	p, err := addrOf(*ifname)
	if err != nil {
		return fakeserver.Config{}, err
	}
	cfg := fakeserver.Config{Interface: *ifname, ServerID: p.Addr(), Subnet: p.Masked(), LeaseTime: *lease}
	if cfg.RangeStart, cfg.RangeEnd, err = parseRange(*rng, cfg.Subnet); err != nil {
		return cfg, err
	}
	return cfg, addOptions(&cfg.Options, *router, *dns, *domain, *ntp, *mtu, *routes)
}

// parseRange reads FIRST-LAST, or defaults to .100-.199 of subnet.
func parseRange(s string, subnet netip.Prefix) (netip.Addr, netip.Addr, error) {
	if s == "" {
		b := subnet.Addr().As4()
		b[3] = 100
		first := netip.AddrFrom4(b)
		b[3] = 199
		return first, netip.AddrFrom4(b), nil
	}
	a, b, ok := strings.Cut(s, "-")
	first, err1 := netip.ParseAddr(a)
	last, err2 := netip.ParseAddr(b)
	if !ok || err1 != nil || err2 != nil {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("bad -range %q, want FIRST-LAST", s)
	}
	return first, last, nil
}

// addOptions sets the options given on the command line.
func addOptions(o *dhcp4.Options, router, dns, domain, ntp string, mtu int, routes string) error {
	for _, l := range []struct {
		code uint8
		val  string
	}{{dhcp4.OptRouter, router}, {dhcp4.OptDNS, dns}, {dhcp4.OptNTPServers, ntp}} {
		if l.val == "" {
			continue
		}
		b, err := addrList(l.val)
		if err != nil {
			return err
		}
		o.Set(l.code, b)
	}
	if domain != "" {
		o.Set(dhcp4.OptDomainName, []byte(domain))
	}
	if mtu != 0 {
		o.SetUint16(dhcp4.OptInterfaceMTU, uint16(mtu))
	}
	if routes != "" {
		rs, err := parseRoutes(routes)
		if err != nil {
			return err
		}
		o.Set(dhcp4.OptClasslessRoutes, dhcp4.AppendClasslessRoutes(nil, rs))
	}
	return nil
}

// addrList encodes comma-separated IPv4 addresses.
func addrList(s string) ([]byte, error) {
	var b []byte
	for _, f := range strings.Split(s, ",") {
		a, err := netip.ParseAddr(strings.TrimSpace(f))
		if err != nil || !a.Is4() {
			return nil, fmt.Errorf("bad IPv4 address %q", f)
		}
		v := a.As4()
		b = append(b, v[:]...)
	}
	return b, nil
}

// parseRoutes reads DST/LEN=GW,...
func parseRoutes(s string) ([]dhcp4.Route, error) {
	var rs []dhcp4.Route
	for _, f := range strings.Split(s, ",") {
		d, g, ok := strings.Cut(strings.TrimSpace(f), "=")
		dst, err1 := netip.ParsePrefix(d)
		gw, err2 := netip.ParseAddr(g)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad -route %q, want DST/LEN=GW", f)
		}
		rs = append(rs, dhcp4.Route{Dst: dst.Masked(), Gateway: gw})
	}
	return rs, nil
}

// interfaceAddr returns the first IPv4 address of ifname with its prefix.
func interfaceAddr(ifname string) (netip.Prefix, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return netip.Prefix{}, err
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("addresses of %s: %w", ifname, err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
			ones, _ := n.Mask.Size()
			ip, _ := netip.AddrFromSlice(n.IP.To4())
			return netip.PrefixFrom(ip, ones), nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("%s has no IPv4 address to serve from", ifname)
}

// logTimestamps prefixes each log line with the time, as daemons do.
type logTimestamps struct {
	w   io.Writer
	now func() time.Time
}

func (l logTimestamps) Write(b []byte) (int, error) {
	if _, err := fmt.Fprintf(l.w, "%s fakedhcpd: %s", l.now().Format(time.TimeOnly), b); err != nil {
		return 0, err
	}
	return len(b), nil
}
