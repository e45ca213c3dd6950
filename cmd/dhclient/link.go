package main

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// link adapts platform to client.Link for one interface. In script mode
// (configure-interface script) it leaves the interface alone: the script
// configures it, as with ISC.
type link struct {
	name       string
	port       int
	chaddr     net.HardwareAddr // the machine's chaddr, matched in the kernel
	conf       *platform.Configurator
	routes     platform.RouteSettings
	scriptMode bool
	probeMode  platform.ProbeMode
	probe      bool
	now        func() time.Time
}

var _ client.Link = (*link)(nil)

func (l *link) Name() string { return l.name }

func (l *link) OpenBroadcast() (client.Conn, error) {
	return platform.ListenDHCP(l.name, l.port, l.chaddr)
}

func (l *link) OpenUnicast(local netip.Addr) (client.Conn, error) {
	return platform.ListenUDP(l.name, netip.AddrPortFrom(local, uint16(l.port)))
}

func (l *link) Up() error {
	if l.scriptMode {
		return nil
	}
	return l.conf.Up(l.name)
}

func (l *link) Configure(lease, _ *statemachine.Lease) error {
	if l.scriptMode {
		return nil
	}
	return l.conf.Apply(l.name, l.binding(lease))
}

func (l *link) Deconfigure(lease *statemachine.Lease) error {
	if l.scriptMode {
		return nil
	}
	return l.conf.Remove(l.name, l.binding(lease))
}

func (l *link) Probe(ctx context.Context, addr netip.Addr) (bool, error) {
	if !l.probe {
		return false, nil
	}
	return platform.Probe(ctx, l.name, addr, l.probeMode)
}

// binding turns a lease into kernel state: the address lives as long as
// the lease, so the kernel drops it if the daemon dies (SPEC §5).
func (l *link) binding(lease *statemachine.Lease) platform.Binding {
	var life time.Duration
	if !lease.Infinite() {
		life = max(lease.Expire.Sub(l.now()), time.Second)
	}
	return platform.BindingFor(lease.Prefix(), lease.Options, life, l.routes)
}
