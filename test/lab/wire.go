//go:build linux

package lab

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// Datagram is a DHCP message seen on a link, with its UDP addresses.
type Datagram struct {
	Src, Dst netip.AddrPort
	Msg      *dhcp4.Message
}

// WatchDHCP hands seen every DHCP message (to port 67 or 68) that crosses
// ifname in namespace ns, until t ends. It reads a packet socket for every
// protocol, which sees a frame before a bridge port decides whether to
// forward it (one for IPv4 alone would not: the bridge takes the frame
// first), so on the server end of a client link it shows what the client
// really sent. seen runs on the reader goroutine, one message at a time.
func WatchDHCP(t testing.TB, ns, ifname string, seen func(Datagram)) {
	t.Helper()
	var c *packet.Conn
	if err := Do(ns, func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err == nil {
			c, err = packet.Listen(ifi, packet.Datagram, unix.ETH_P_ALL, nil)
		}
		return err
	}); err != nil {
		t.Fatalf("watch DHCP on %s: %v", ifname, err)
	}
	closing, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 65536)
		for {
			n, _, err := c.ReadFrom(b)
			if err != nil {
				select {
				case <-closing:
					return
				case <-time.After(10 * time.Millisecond): // no busy loop on a lasting error
					continue
				}
			}
			if d, ok := parseDatagram(b[:n]); ok {
				seen(d)
			}
		}
	}()
	t.Cleanup(func() { close(closing); c.Close(); <-done })
}

// parseDatagram decodes an IPv4 frame carrying a DHCP message.
func parseDatagram(b []byte) (Datagram, bool) {
	payload, src, dst, err := platform.Unframe(b, true)
	if err != nil || (dst.Port() != dhcp4.ServerPort && dst.Port() != dhcp4.ClientPort) {
		return Datagram{}, false
	}
	m, err := dhcp4.Parse(payload)
	if err != nil {
		return Datagram{}, false
	}
	return Datagram{Src: src, Dst: dst, Msg: m}, true
}
