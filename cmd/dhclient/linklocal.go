package main

import (
	"net/netip"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/linklocal"
)

var _ client.LinkLocalLink = (*link)(nil)

func (l *link) OpenARP() (client.ARPConn, error) {
	c, err := platform.ListenARP(l.spec.Name)
	if err != nil {
		return nil, err
	}
	return arpConn{c}, nil
}

// AddLinkLocal puts addr/16 on the interface with its own Configurator,
// so that it and a lease's address are added and removed independently.
func (l *link) AddLinkLocal(addr netip.Addr) error {
	return l.llconf.Apply(l.spec.Name, l.linkLocalBinding(addr))
}

func (l *link) RemoveLinkLocal(addr netip.Addr) error {
	return l.llconf.Remove(l.spec.Name, l.linkLocalBinding(addr))
}

// linkLocalBinding is addr/16, with ipv4ll-route a default route.
func (l *link) linkLocalBinding(addr netip.Addr) platform.Binding {
	return platform.LinkLocalBinding(netip.PrefixFrom(addr, linklocal.Prefix.Bits()), l.spec.Settings.IPv4LLRoute, l.routes)
}

// arpConn adapts platform's ARP socket to client.ARPConn.
type arpConn struct{ c *platform.ARPConn }

func (a arpConn) ReadARP() (linklocal.Packet, error) {
	p, err := a.c.Read()
	return linklocal.Packet{Request: p.Request, SenderHW: p.SenderHW, SenderIP: p.SenderIP, TargetIP: p.TargetIP}, err
}

func (a arpConn) SendProbe(addr netip.Addr) error    { return a.c.Probe(addr) }
func (a arpConn) SendAnnounce(addr netip.Addr) error { return a.c.Announce(addr) }
func (a arpConn) Close() error                       { return a.c.Close() }
