//go:build linux

package lab

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/fakeserver"
)

// FakeConfig fills the link-specific fields of a fakeserver.Config from
// the lab and opts: interface, server id, subnet, range, lease times and
// options.
func (l *Lab) FakeConfig(opts ServerOpts) fakeserver.Config {
	o := opts.withDefaults(l.Subnet())
	cfg := fakeserver.Config{
		Interface:  l.ServerIf(),
		ServerID:   l.ServerAddr(),
		Subnet:     l.Subnet(),
		RangeStart: o.RangeStart,
		RangeEnd:   o.RangeEnd,
		LeaseTime:  o.LeaseTime,
		T1:         o.T1,
		T2:         o.T2,
	}
	if len(o.Routers) > 0 {
		cfg.Options.Set(dhcp4.OptRouter, addrBytes(o.Routers))
	}
	if len(o.DNS) > 0 {
		cfg.Options.Set(dhcp4.OptDNS, addrBytes(o.DNS))
	}
	if o.DomainName != "" {
		cfg.Options.Set(dhcp4.OptDomainName, []byte(o.DomainName))
	}
	if len(o.NTP) > 0 {
		cfg.Options.Set(dhcp4.OptNTPServers, addrBytes(o.NTP))
	}
	if o.MTU != 0 {
		cfg.Options.SetUint16(dhcp4.OptInterfaceMTU, uint16(o.MTU))
	}
	if len(o.ClasslessRoutes) > 0 {
		cfg.Options.Set(dhcp4.OptClasslessRoutes, classlessBytes(o.ClasslessRoutes))
	}
	return cfg
}

func addrBytes(as []netip.Addr) []byte {
	var b []byte
	for _, a := range as {
		v := a.As4()
		b = append(b, v[:]...)
	}
	return b
}

// FakeServer is a fakeserver.Server running in the lab's server namespace.
type FakeServer struct {
	*fakeserver.Server
	log  string
	stop func()
	conn net.PacketConn
	ctx  context.Context
}

// SendForceRenew sends the client with hardware address hw, which holds
// addr, a DHCPFORCERENEW signed under key (nil: unsigned).
func (f *FakeServer) SendForceRenew(t testing.TB, hw net.HardwareAddr, addr netip.Addr, key []byte) {
	t.Helper()
	r, err := f.ForceRenew(hw, addr, key)
	if err != nil {
		t.Fatal(err)
	}
	f.Send(f.ctx, f.conn, r)
}

// Log is the path of the server's log.
func (f *FakeServer) Log() string { return f.log }

// Stop closes the server's socket and waits for it to finish; the lab
// does it at cleanup.
func (f *FakeServer) Stop() { f.stop() }

// StartFake starts a fakeserver on ServerIf with cfg (see FakeConfig);
// cfg.Log is replaced by the FakeServer's log file.
func (l *Lab) StartFake(t testing.TB, cfg fakeserver.Config) *FakeServer {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "fakeserver.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Log = logf
	s, err := fakeserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var conn net.PacketConn
	if err := Do(l.serverNS, func() (err error) { conn, err = fakeserver.Listen(l.ServerIf()); return err }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.Serve(ctx, conn); err != nil {
			t.Errorf("fakeserver: %v", err)
		}
	}()
	var once sync.Once
	f := &FakeServer{Server: s, log: logPath, conn: conn, ctx: ctx, stop: func() {
		once.Do(func() { cancel(); <-done; logf.Close() })
	}}
	t.Cleanup(f.Stop)
	return f
}
