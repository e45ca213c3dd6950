package main

import (
	"net/netip"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/linklocal"
)

var _ client.LinkLocalLink = (*link)(nil)

func (l *link) OpenARP() (client.ARPConn, error) {
	c, err := platform.ListenARP(l.name)
	if err != nil {
		return nil, err
	}
	return arpConn{c}, nil
}

// AddLinkLocal puts addr/16 on the interface with its own Configurator,
// so that it and a lease's address are added and removed independently;
// no route: RFC 3927 §2.6.2's on-link 169.254/16 is the prefix route.
func (l *link) AddLinkLocal(addr netip.Addr) error {
	return l.llconf.Apply(l.name, l.linkLocalBinding(addr))
}

func (l *link) RemoveLinkLocal(addr netip.Addr) error {
	return l.llconf.Remove(l.name, l.linkLocalBinding(addr))
}

// linkLocalBinding is addr/16 with its broadcast, and with ipv4ll-route
// an on-link default route at the lease routes' metric and table (RFC
// 3927 §2.6.2: every destination is then taken to be on the link).
func (l *link) linkLocalBinding(addr netip.Addr) platform.Binding {
	b := platform.Binding{Addr: netip.PrefixFrom(addr, linklocal.Prefix.Bits()), Broadcast: linklocal.Broadcast}
	if l.llRoute {
		b.Routes = []platform.Route{{Dst: netip.PrefixFrom(netip.IPv4Unspecified(), 0), OnLink: true,
			Metric: l.routes.Metric, Table: l.routes.Table}}
	}
	return b
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
