package lease

import "net/netip"

// collapse returns the blocks worth writing, in file order: of the blocks
// of one interface (or pseudo-interface) for one address only the last is
// kept. ISC's reader drops an earlier block for the same address as a
// later one (client/clparse.c discard_duplicate and the active lease, as
// File.Active does) and its rewrite_client_leases writes only what was
// kept; its appends between rewrites repeat blocks, and a file written
// elsewhere may repeat one any number of times. Writing each once keeps
// the file the size of what it means (issue 12).
func collapse(leases []Entry) []Entry {
	type key struct {
		iface, name string
		addr        netip.Addr
	}
	last := make(map[key]int, len(leases))
	for i, e := range leases {
		if e.Lease != nil {
			last[key{e.Interface, e.Name, e.Lease.Addr}] = i
		}
	}
	out := make([]Entry, 0, len(last))
	for i, e := range leases {
		if e.Lease != nil && last[key{e.Interface, e.Name, e.Lease.Addr}] == i {
			out = append(out, e)
		}
	}
	return out
}
