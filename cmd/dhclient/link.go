package main

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// link adapts platform to client.Link for one interface.
type link struct {
	name      string
	port      int
	chaddr    net.HardwareAddr // the machine's chaddr, matched in the kernel
	conf      *platform.Configurator
	llconf    *platform.Configurator // the link-local address (ipv4ll)
	llRoute   bool                   // ipv4ll-route: a default route with it
	routes    platform.RouteSettings
	probeMode platform.ProbeMode
}

var _ client.Link = (*link)(nil)

// openLink builds the kernel side the daemon decided on.
func openLink(s client.LinkSpec) client.Link {
	mode := platform.ProbeOff
	switch s.Settings.ARPCheck {
	case config.ARPFast:
		mode = platform.ProbeFast
	case config.ARPRFC5227:
		mode = platform.ProbeRFC5227
	}
	return &link{
		name: s.Name, port: s.Port, chaddr: s.CHAddr, conf: platform.NewConfigurator(nil), probeMode: mode,
		llconf: platform.NewConfigurator(nil), llRoute: s.Settings.IPv4LLRoute,
		routes: platform.RouteSettings{Metric: s.Metric, Classless: s.Settings.ClasslessRoutes,
			SetMTU: s.Settings.SetMTU, Table: s.Settings.RouteTable},
	}
}

func (l *link) Name() string { return l.name }

func (l *link) OpenBroadcast() (client.Conn, error) {
	return platform.ListenDHCP(l.name, l.port, l.chaddr)
}

func (l *link) OpenUnicast(local netip.Addr) (client.Conn, error) {
	return platform.ListenUDP(l.name, netip.AddrPortFrom(local, uint16(l.port)))
}

func (l *link) Up() error { return l.conf.Up(l.name) }

func (l *link) Configure(lease, _ *statemachine.Lease) error {
	return l.conf.Apply(l.name, l.binding(lease))
}

func (l *link) Deconfigure(lease *statemachine.Lease) error {
	return l.conf.Remove(l.name, l.binding(lease))
}

func (l *link) Probe(ctx context.Context, addr netip.Addr) (bool, error) {
	if l.probeMode == platform.ProbeOff {
		return false, nil
	}
	return platform.Probe(ctx, l.name, addr, l.probeMode)
}

// binding turns a lease into kernel state: the address lives as long as
// the lease, so the kernel drops it if the daemon dies (SPEC §5).
func (l *link) binding(lease *statemachine.Lease) platform.Binding {
	var life time.Duration
	if !lease.Infinite() {
		life = max(time.Until(lease.Expire), time.Second)
	}
	return platform.BindingFor(lease.Prefix(), lease.Options, life, l.routes)
}
