package platform

import (
	"encoding/binary"
	"errors"
	"slices"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// resolveGrace bounds how long Remove waits for link-layer resolutions
// still running on the interface: long enough for one ARP retransmission
// (the kernel's default retrans_time is 1 s), short enough that a server
// that never answers delays a release only a little.
const resolveGrace = 1500 * time.Millisecond

// awaitResolution waits, up to limit, until no IPv4 neighbour of the
// link index is still being resolved (NUD_INCOMPLETE). Removing the last
// address of an interface flushes its neighbour table, and with it the
// datagrams queued behind an unanswered ARP request (Linux
// fib_disable_ip -> arp_ifdown). The unicast DHCPRELEASE sent just
// before the address goes (RFC 2131 §4.4.6) is such a datagram whenever
// the server's address was not resolved yet, as after a restart. An
// error listing neighbours ends the wait: it only delays, it never fails
// a removal.
func awaitResolution(r *rtnl, index int, limit time.Duration) {
	awaitResolved(func() ([]neighbour, error) { return dumpNeighbours(r, index) }, limit)
}

// awaitResolved calls list until it fails, lists no neighbour being
// resolved, or limit has passed since the first call (pollUntil).
func awaitResolved(list func() ([]neighbour, error), limit time.Duration) {
	pollUntil(limit, func() bool {
		ns, err := list()
		return err != nil || !slices.ContainsFunc(ns, resolving)
	})
}

// neighbour is what platform reads of an entry of the kernel's
// neighbour table (RTM_NEWNEIGH's struct ndmsg).
type neighbour struct {
	Index int
	State uint16 // NUD_*
}

// resolving reports whether n waits for an ARP reply, with datagrams
// queued on it.
func resolving(n neighbour) bool { return n.State&unix.NUD_INCOMPLETE != 0 }

// dumpNeighbours lists the IPv4 neighbours of the link index, through
// a dump that names the link, so that the cost of a look does not grow
// with the number of interfaces.
func dumpNeighbours(r *rtnl, index int) ([]neighbour, error) {
	var ns []neighbour
	err := r.exchange(neighboursRequest(index), func(m syscall.NetlinkMessage) bool {
		ns = appendNeighbour(ns, m, index)
		return true
	})
	return ns, err
}

// appendNeighbour appends the entry of m if it is a neighbour of the
// link index: a kernel that does not filter the dump sends every link's.
func appendNeighbour(ns []neighbour, m syscall.NetlinkMessage, index int) []neighbour {
	if m.Header.Type != unix.RTM_NEWNEIGH {
		return ns
	}
	if n, err := parseNeighbour(m.Data); err == nil && n.Index == index {
		ns = append(ns, n)
	}
	return ns
}

// neighboursRequest asks for a dump of the IPv4 neighbours of the link
// index. The link goes in NDA_IFINDEX, which the kernel applies as a
// filter (Linux 4.4 has it, with or without NETLINK_GET_STRICT_CHK);
// the header's ndm_ifindex filters nothing, and a socket checking dumps
// strictly refuses it (EINVAL). An older kernel ignores the attribute.
func neighboursRequest(index int) *nlRequest {
	q := newRequest(unix.RTM_GETNEIGH, unix.NLM_F_DUMP, unix.NdMsg{Family: unix.AF_INET})
	q.u32(unix.NDA_IFINDEX, uint32(index))
	return q
}

// errNeighMessage reports a neighbour message too short for its header.
var errNeighMessage = errors.New("netlink: malformed neighbour message")

// parseNeighbour decodes the header of an RTM_NEWNEIGH payload; the
// attributes (the addresses) are not used.
func parseNeighbour(b []byte) (neighbour, error) {
	if len(b) < unix.SizeofNdMsg {
		return neighbour{}, errNeighMessage
	}
	return neighbour{
		Index: int(int32(binary.NativeEndian.Uint32(b[4:]))), // ndm_ifindex
		State: binary.NativeEndian.Uint16(b[8:]),             // ndm_state
	}, nil
}
