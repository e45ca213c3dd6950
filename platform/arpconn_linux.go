package platform

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// ARPConn sends ARP probes and announcements on one interface and reads
// the ARP traffic of the link, for IPv4 link-local addressing (RFC 3927
// §2.2–§2.5). It needs CAP_NET_RAW.
type ARPConn struct {
	c    *packet.Conn
	name string
	hw   net.HardwareAddr
	to   *packet.Addr
}

// ListenARP opens an ARP socket on ifname. A link without hardware
// addresses has no ARP: that is an error.
func ListenARP(ifname string) (*ARPConn, error) {
	ifi, err := interfaceByName(ifname)
	if err != nil {
		return nil, err
	}
	if len(ifi.HardwareAddr) == 0 {
		return nil, fmt.Errorf("arp on %s: no hardware address", ifname)
	}
	c, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_ARP, nil)
	if err != nil {
		return nil, fmt.Errorf("open arp socket on %s: %w", ifname, err)
	}
	return &ARPConn{c: c, name: ifname, hw: ifi.HardwareAddr,
		to: &packet.Addr{HardwareAddr: broadcastHW(len(ifi.HardwareAddr))}}, nil
}

// Probe broadcasts an ARP probe for addr (sender IP 0.0.0.0).
func (a *ARPConn) Probe(addr netip.Addr) error { return a.send(arpProbe(a.hw, addr), "probe", addr) }

// Announce broadcasts an ARP announcement of addr.
func (a *ARPConn) Announce(addr netip.Addr) error {
	return a.send(arpAnnouncement(a.hw, addr), "announcement", addr)
}

func (a *ARPConn) send(p arpPacket, what string, addr netip.Addr) error {
	if _, err := a.c.WriteTo(p.appendBinary(nil), a.to); err != nil {
		return fmt.Errorf("send arp %s for %v on %s: %w", what, addr, a.name, err)
	}
	return nil
}

// Read returns the next ARP request or reply for IPv4 on the link;
// malformed packets and other ops are skipped.
func (a *ARPConn) Read() (ARP, error) {
	b := make([]byte, 1500)
	for {
		n, _, err := a.c.ReadFrom(b)
		if err != nil {
			return ARP{}, fmt.Errorf("read arp socket on %s: %w", a.name, err)
		}
		if p, err := parseARP(b[:n]); err == nil {
			if e, ok := p.exported(); ok {
				return e, nil
			}
		}
	}
}

// Close closes the socket; a blocked Read returns an error.
func (a *ARPConn) Close() error { return a.c.Close() }
