package platform

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// Probe probes for addr on ifname as p.Mode says. A link without
// hardware addresses has no ARP, and so no conflict to find.
func (p Prober) Probe(ctx context.Context, ifname string, addr netip.Addr) (conflict bool, err error) {
	start := time.Now()
	gaps, wait := probeSchedule(p.Mode, p.Rand)
	if len(gaps) == 0 {
		return false, nil
	}
	ifi, err := interfaceByName(ifname)
	if err != nil || len(ifi.HardwareAddr) == 0 {
		return false, err
	}
	c, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_ARP, nil)
	if err != nil {
		return false, fmt.Errorf("open arp socket on %s: %w", ifname, err)
	}
	found := make(chan error, 1) // nil: a conflict
	var wg sync.WaitGroup
	wg.Go(func() { found <- watchARP(c, addr, ifi.HardwareAddr) })
	// Closing a packet socket waits for an RCU grace period in the kernel
	// (packet_release calls synchronize_net): 5 to 15 ms measured, more
	// than the fast check can spare. The socket is closed and its reader
	// joined off the caller's path; neither outlives that.
	defer func() {
		go func() {
			c.Close()
			wg.Wait()
		}()
	}()

	probe := arpProbe(ifi.HardwareAddr, addr).appendBinary(nil)
	to := &packet.Addr{HardwareAddr: broadcastHW(len(ifi.HardwareAddr))}
	for _, g := range gaps {
		if conflict, err := listen(ctx, g, found); conflict || err != nil {
			return conflict, err
		}
		if _, err := c.WriteTo(probe, to); err != nil {
			return false, fmt.Errorf("send arp probe for %v on %s: %w", addr, ifname, err)
		}
	}
	return listen(ctx, time.Until(listenDeadline(p.Mode, wait, start, time.Now())), found)
}

// watchARP reads ARP packets until one conflicts with addr (returning
// nil) or the socket fails or is closed (returning the error).
func watchARP(c *packet.Conn, addr netip.Addr, ours net.HardwareAddr) error {
	b := make([]byte, 1500)
	for {
		n, _, err := c.ReadFrom(b)
		if err != nil {
			return fmt.Errorf("read arp socket: %w", err)
		}
		if p, err := parseARP(b[:n]); err == nil && p.conflicts(addr, ours) {
			return nil
		}
	}
}

// listen waits d for a conflict, ctx permitting.
func listen(ctx context.Context, d time.Duration, found <-chan error) (conflict bool, err error) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, fmt.Errorf("arp probe: %w", ctx.Err())
	case err := <-found:
		return err == nil, err
	case <-t.C:
		return false, nil
	}
}
