//go:build linux

package lab

import (
	"net/netip"
	"testing"

	"github.com/mdlayher/packet"

	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/dhcp4"
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
	watchFrames(t, ns, ifname, packet.Datagram, func(b []byte) {
		if d, ok := parseDatagram(b); ok {
			seen(d)
		}
	})
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
