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
	return &link{spec: s, routes: routes, conf: platform.NewConfigurator(nil), llconf: platform.NewConfigurator(nil)}
}

func (l *link) Name() string { return l.spec.Name }

func (l *link) OpenBroadcast() (client.Conn, error) {
	return platform.ListenDHCP(l.spec.Name, l.spec.Port, l.spec.CHAddr)
}

func (l *link) OpenUnicast(local netip.Addr) (client.Sender, error) {
	return platform.SendUDP(l.spec.Name, netip.AddrPortFrom(local, uint16(l.spec.Port)))
}

func (l *link) Up() error { return offStack(func() error { return l.conf.Up(l.spec.Name) }) }

func (l *link) Configure(lease, _ *statemachine.Lease) error {
	return offStack(func() error { return l.conf.Apply(l.spec.Name, l.binding(lease)) })
}

func (l *link) Deconfigure(lease *statemachine.Lease) error {
	return offStack(func() error { return l.conf.Remove(l.spec.Name, l.binding(lease)) })
}

// offStack runs a Configurator call on a goroutine of its own and waits
// for it. Each netlink exchange of the netlink module keeps a 64 KiB
// buffer on the stack (nl.NetlinkSocket.Receive): called on the
// interface's runner, which lives as long as the daemon, it would leave
// a 128 KiB stack there after every bind and renewal, until the
// collector has halved it four times. The short goroutine takes the
// stack with it when it ends. The daemon's threads share one network
// namespace, so the call sees the same interfaces from any of them.
func offStack(call func() error) error {
	done := make(chan error, 1)
	go func() { done <- call() }()
	return <-done
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
