package platform

import (
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
)

// A unicast datagram sent just before Remove, while the peer's address
// is still being resolved, must reach the peer: taking the last address
// away would otherwise flush it with the neighbour table. The peer
// answers ARP only after a while, so the client's first request goes
// unanswered and the datagram waits for the retransmission.
func TestRemoveLetsQueuedDatagramsLeave(t *testing.T) {
	ns, peerNS := newNS(t), newNS(t)
	h, ph := ns.handle(t), peerNS.handle(t)
	ifname, peerName := vethPair(t, h, peerNS)
	peer := linkByName(t, ph, peerName)
	for _, err := range []error{
		ph.AddrAdd(peer, &netlink.Addr{IPNet: mustCIDR("10.78.0.1/24")}),
		ph.LinkSetARPOff(peer),
		ph.LinkSetUp(peer),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var listener *net.UDPConn
	peerNS.do(t, func() (err error) {
		listener, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(10, 78, 0, 1), Port: 6767})
		return err
	})
	t.Cleanup(func() { listener.Close() })

	c := NewConfigurator(h)
	b := Binding{Addr: netip.MustParsePrefix("10.78.0.23/24"), Broadcast: netip.MustParseAddr("10.78.0.255")}
	if err := c.Apply(ifname, b); err != nil {
		t.Fatal(err)
	}
	ns.do(t, func() error {
		conn, err := ListenUDP(ifname, netip.MustParseAddrPort("10.78.0.23:6868"))
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.WriteTo([]byte("release"), netip.MustParseAddrPort("10.78.0.1:6767"))
	})
	link := linkByName(t, h, ifname)
	if ns, _ := h.NeighList(link.Attrs().Index, netlink.FAMILY_V4); !slices.ContainsFunc(ns, resolving) {
		t.Fatalf("no neighbour being resolved after the send: %v", ns)
	}
	go func() {
		time.Sleep(200 * time.Millisecond) // the peer starts answering ARP
		ph.LinkSetARPOn(peer)
	}()

	start := time.Now()
	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > resolveGrace+500*time.Millisecond {
		t.Errorf("Remove took %v, more than the %v grace", d, resolveGrace)
	}
	if as := kernelAddrs(t, h, link); len(as) != 0 {
		t.Errorf("addresses after Remove: %v, want none", as)
	}
	listener.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 64)
	n, _, err := listener.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "release" {
		t.Fatalf("peer received %q, %v; want the datagram sent before Remove", buf[:n], err)
	}
}

// With nothing being resolved, Remove does not wait.
func TestRemoveWithoutPendingResolutionIsImmediate(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	c := NewConfigurator(h)
	b := Binding{Addr: netip.MustParsePrefix("10.78.0.23/24"), Broadcast: netip.MustParseAddr("10.78.0.255")}
	if err := c.Apply(ifname, b); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d >= resolveGrace/2 {
		t.Errorf("Remove took %v with no neighbour being resolved", d)
	}
}
