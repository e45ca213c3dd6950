package lease

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine"
)

// File is the content of a lease database.
type File struct {
	// DefaultDUID is the DUID of "default-duid", used for RFC 4361 client
	// identifiers (-i, -D); nil when the file has none.
	DefaultDUID []byte
	// Leases in file order; for each interface the last one is the active
	// lease (reference §5.1).
	Leases []Entry
}

// Entry is one lease block.
type Entry struct {
	Interface string // interface "NAME"
	Name      string // ISC pseudo-interface name ("name" statement); empty for the interface itself
	Lease     *statemachine.Lease
}

// Active applies ISC's reading rules (client/clparse.c
// parse_client_lease_statement, reference §5.1) to the blocks of iface
// (pseudo-interface blocks excluded): the last block is the active lease;
// when a later block replaces it, an earlier one is kept as an alternative
// if it has not expired at now and holds a different address, and dropped
// otherwise; an alternative with the same address as a later block is
// dropped too. Alternatives come most recent first, the order in which ISC
// tries them at TIMEOUT. The active lease is returned even when expired:
// the caller decides whether INIT-REBOOT applies.
//
// Those rules keep, besides the last block, exactly the unexpired blocks
// that are the last of their address: each was replaced by a block of
// another address and none came after it with its own (ISC
// discard_duplicate). Found so, in one pass, a file of many blocks costs
// time in proportion to them (a lease file is untrusted input, SPEC §7).
func (f *File) Active(iface string, now time.Time) (active *statemachine.Lease, alternatives []*statemachine.Lease) {
	var blocks []*statemachine.Lease
	for _, e := range f.Leases {
		if e.Interface == iface && e.Name == "" && e.Lease != nil {
			blocks = append(blocks, e.Lease)
		}
	}
	if len(blocks) == 0 {
		return nil, nil
	}
	last := make(map[netip.Addr]int, len(blocks))
	for i, l := range blocks {
		last[l.Addr] = i
	}
	for i := len(blocks) - 2; i >= 0; i-- {
		if l := blocks[i]; last[l.Addr] == i && !l.ExpiredAt(now) {
			alternatives = append(alternatives, l)
		}
	}
	return blocks[len(blocks)-1], alternatives
}

// Interfaces returns the interfaces that have lease blocks, in order of
// first appearance.
func (f *File) Interfaces() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range f.Leases {
		if !seen[e.Interface] {
			seen[e.Interface] = true
			out = append(out, e.Interface)
		}
	}
	return out
}
