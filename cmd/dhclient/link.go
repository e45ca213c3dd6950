package main

import (
	"context"
	"net/netip"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// link adapts platform to client.Link for one interface.
type link struct {
	spec   client.LinkSpec
	routes platform.RouteSettings
	conf   *platform.Configurator // the lease's address and routes
	llconf *platform.Configurator // the link-local address (ipv4ll)
}

var _ client.Link = (*link)(nil)

// openLink builds the kernel side the daemon decided on.
func openLink(s client.LinkSpec) client.Link {
	routes := platform.RouteSettings{Metric: s.Metric, Classless: s.Settings.ClasslessRoutes,
		SetMTU: s.Settings.SetMTU, Table: s.Settings.RouteTable}
	return &link{spec: s, routes: routes, conf: platform.NewConfigurator(), llconf: platform.NewConfigurator()}
}

func (l *link) Name() string { return l.spec.Name }

func (l *link) OpenBroadcast() (client.Conn, error) {
	return platform.ListenDHCP(l.spec.Name, l.spec.Port, l.spec.CHAddr)
}

func (l *link) OpenUnicast(local netip.Addr) (client.Sender, error) {
	return platform.SendUDP(l.spec.Name, netip.AddrPortFrom(local, uint16(l.spec.Port)))
}

func (l *link) Up() error { return l.conf.Up(l.spec.Name) }

func (l *link) Configure(lease, _ *statemachine.Lease) error {
	return l.conf.Apply(l.spec.Name, l.binding(lease))
}

func (l *link) Deconfigure(lease *statemachine.Lease) error {
	return l.conf.Remove(l.spec.Name, l.binding(lease))
}

// Probe checks addr as arp-check says; its keywords are platform's.
func (l *link) Probe(ctx context.Context, addr netip.Addr) (bool, error) {
	return platform.Probe(ctx, l.spec.Name, addr, platform.ProbeMode(l.spec.Settings.ARPCheck))
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
