//go:build linux

package lab

import (
	"net"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// watchFrames hands seen every frame that crosses ifname in namespace ns,
// until t ends, as socket type typ gives it (packet.Raw: with its
// Ethernet header; packet.Datagram: from the network header). It reads a
// packet socket for every protocol, which sees a frame before a bridge
// port decides whether to forward it (one for a single protocol would
// not: the bridge takes the frame first). The socket is open when
// watchFrames returns; seen runs on the reader goroutine, one frame at a
// time.
func watchFrames(t testing.TB, ns, ifname string, typ packet.Type, seen func([]byte)) {
	t.Helper()
	var c *packet.Conn
	if err := Do(ns, func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err == nil {
			c, err = packet.Listen(ifi, typ, unix.ETH_P_ALL, nil)
		}
		return err
	}); err != nil {
		t.Fatalf("watch %s in %s: %v", ifname, ns, err)
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
			seen(b[:n])
		}
	}()
	t.Cleanup(func() { close(closing); c.Close(); <-done })
}
