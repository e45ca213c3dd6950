//go:build linux

package lab

import (
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/leased/leased/platform"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
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
	var c *packet.Conn
	if err := Do(ns, func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err == nil {
			c, err = packet.Listen(ifi, packet.Raw, unix.ETH_P_ALL, nil)
		}
		return err
	}); err != nil {
		t.Fatalf("watch ARP on %s: %v", ifname, err)
	}
	closing, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 1500)
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
			if n < ethHeader || binary.BigEndian.Uint16(b[12:]) != unix.ETH_P_ARP {
				continue
			}
			if p, ok := platform.ParseARP(b[ethHeader:n]); ok {
				seen(p)
			}
		}
	}()
	t.Cleanup(func() { close(closing); c.Close(); <-done })
}
