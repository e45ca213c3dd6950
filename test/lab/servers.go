//go:build linux

package lab

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// serverReady is how long a server may take to start listening.
const serverReady = 20 * time.Second

// ServerOpts is what a DHCP server hands out. Zero fields are left out of
// the server's configuration, except where a default is stated.
type ServerOpts struct {
	// LeaseTime is the lease time offered; zero means 10 minutes.
	// dnsmasq refuses leases under 2 minutes and raises them.
	LeaseTime time.Duration
	// T1 and T2 set the renewal (58) and rebinding (59) times.
	T1, T2 time.Duration
	// RangeStart and RangeEnd bound the pool; zero means .100 to .199
	// of the lab subnet.
	RangeStart, RangeEnd netip.Addr
	// Routers is option 3; empty sends none (dnsmasq would otherwise
	// name itself).
	Routers []netip.Addr
	// DNS is option 6; empty sends none.
	DNS []netip.Addr
	// DomainName is option 15.
	DomainName string
	// NTP is option 42.
	NTP []netip.Addr
	// MTU is option 26.
	MTU int
	// ClasslessRoutes is option 121 (RFC 3442). Clients that get it
	// ignore option 3, so include 0.0.0.0/0 for a default route.
	ClasslessRoutes []dhcp4.Route
	// Extra holds raw server-specific configuration lines: dnsmasq
	// options, dhcpd global statements, or Kea JSON members of the
	// Dhcp4 object (such as `"match-client-id": false`).
	Extra []string
}

// DefaultOpts is a full set of options from a lab's server: router, DNS
// and NTP server at ServerAddr, domain "lab.test", MTU 1400 and classless
// routes to 192.0.2.0/24 and the default route, both via ServerAddr.
func (l *Lab) DefaultOpts() ServerOpts {
	s := l.ServerAddr()
	return ServerOpts{
		LeaseTime:  10 * time.Minute,
		Routers:    []netip.Addr{s},
		DNS:        []netip.Addr{s},
		DomainName: "lab.test",
		NTP:        []netip.Addr{s},
		MTU:        1400,
		ClasslessRoutes: []dhcp4.Route{
			{Dst: netip.MustParsePrefix("192.0.2.0/24"), Gateway: s},
			{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: s},
		},
	}
}

// withDefaults fills the zero fields that have defaults.
func (o ServerOpts) withDefaults(subnet netip.Prefix) ServerOpts {
	if o.LeaseTime == 0 {
		o.LeaseTime = 10 * time.Minute
	}
	b := subnet.Addr().As4()
	if !o.RangeStart.IsValid() {
		b[3] = 100
		o.RangeStart = netip.AddrFrom4(b)
	}
	if !o.RangeEnd.IsValid() {
		b[3] = 199
		o.RangeEnd = netip.AddrFrom4(b)
	}
	return o
}

// Server is a DHCP server running in a lab's server namespace.
type Server struct {
	// Kind is "dnsmasq", "dhcpd", "kea" or "fake".
	Kind   string
	dir    string
	conf   string
	leases string
	proc   *Proc
}

// Log is the path of the server's log (its stdout and stderr).
func (s *Server) Log() string { return filepath.Join(s.dir, "server.log") }

// Config is the path of the server's generated configuration.
func (s *Server) Config() string { return s.conf }

// Leases is the path of the server's lease file.
func (s *Server) Leases() string { return s.leases }

// Proc is the server process.
func (s *Server) Proc() *Proc { return s.proc }

// Stop stops the server and waits for it to exit; the lab would do it at
// cleanup.
func (s *Server) Stop() { s.proc.Stop() }

// WaitLog waits until the server's log contains substr.
func (s *Server) WaitLog(t testing.TB, substr string, timeout time.Duration) {
	t.Helper()
	s.proc.WaitLog(t, substr, timeout)
}

// newServerDir makes the directory of one server's files.
func newServerDir(t testing.TB, kind string) string {
	t.Helper()
	dir, err := os.MkdirTemp(t.TempDir(), kind+"-")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeFile writes a generated file, failing t on error.
func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
