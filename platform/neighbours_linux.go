package platform

import (
	"slices"
	"time"

	"github.com/vishvananda/netlink"
)

// resolveGrace bounds how long Remove waits for link-layer resolutions
// still running on the interface: long enough for one ARP retransmission
// (the kernel's default retrans_time is 1 s), short enough that a server
// that never answers delays a release only a little.
const resolveGrace = 1500 * time.Millisecond

// resolvePoll is how often awaitResolved re-reads the neighbour table.
const resolvePoll = 10 * time.Millisecond

// awaitResolution waits, up to limit, until no IPv4 neighbour of link is
// still being resolved (NUD_INCOMPLETE). Removing the last address of an
// interface flushes its neighbour table, and with it the datagrams queued
// behind an unanswered ARP request (Linux fib_disable_ip -> arp_ifdown).
// The unicast DHCPRELEASE sent just before the address goes (RFC 2131
// §4.4.6) is such a datagram whenever the server's address was not
// resolved yet, as after a restart. An error listing neighbours ends the
// wait: it only delays, it never fails a removal.
func (c *Configurator) awaitResolution(link netlink.Link, limit time.Duration) {
	awaitResolved(func() ([]netlink.Neigh, error) {
		return c.h.NeighList(link.Attrs().Index, netlink.FAMILY_V4)
	}, limit)
}

// awaitResolved calls list every resolvePoll until it fails, lists no
// neighbour being resolved, or limit has passed since the first call;
// the last call comes after the limit, so a resolution that completes
// just in time is seen. It reads the clock only through time.Now and
// time.Sleep, so it runs on fake time in a synctest bubble.
func awaitResolved(list func() ([]netlink.Neigh, error), limit time.Duration) {
	for end := time.Now().Add(limit); ; time.Sleep(resolvePoll) {
		ns, err := list()
		if err != nil || !slices.ContainsFunc(ns, resolving) || time.Now().After(end) {
			return
		}
	}
}

// resolving reports whether n waits for an ARP reply, with datagrams
// queued on it.
func resolving(n netlink.Neigh) bool { return n.State&netlink.NUD_INCOMPLETE != 0 }
