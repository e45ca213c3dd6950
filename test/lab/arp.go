//go:build linux

package lab

import (
	"encoding/binary"
	"testing"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"

	"github.com/leased/leased/platform"
)

// ethHeader is the length of an Ethernet II header.
const ethHeader = 14

// WatchARP hands seen every ARP request and reply for IPv4 that crosses
// ifname in namespace ns, until t ends; seen runs on the reader
// goroutine, one packet at a time. Like WatchDHCP it reads a packet
// socket for every protocol, which sees a frame before a bridge port
// takes it, with the Ethernet header to tell ARP from the rest.
func WatchARP(t testing.TB, ns, ifname string, seen func(platform.ARP)) {
	t.Helper()
	watchFrames(t, ns, ifname, packet.Raw, func(b []byte) {
		if len(b) < ethHeader || binary.BigEndian.Uint16(b[12:]) != unix.ETH_P_ARP {
			return
		}
		if p, ok := platform.ParseARP(b[ethHeader:]); ok {
			seen(p)
		}
	})
}
