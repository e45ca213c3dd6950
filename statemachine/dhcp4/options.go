package dhcp4

import "slices"

// Option is one option as it appears on the wire: a code and its data.
// Data may be longer than 255 bytes; the encoder splits it (RFC 3396).
type Option struct {
	Code uint8
	Data []byte
}

// Options is an ordered list of options in wire order. The same code may
// appear more than once; readers concatenate the pieces (RFC 3396 §5).
type Options []Option

// Get returns the concatenation of every occurrence of code, and whether
// the code occurred at all. A zero-length option returns a non-nil empty
// slice and true.
func (o Options) Get(code uint8) ([]byte, bool) {
	var out []byte
	found := false
	for _, opt := range o {
		if opt.Code != code {
			continue
		}
		if !found {
			out = make([]byte, 0, len(opt.Data))
			found = true
		}
		out = append(out, opt.Data...)
	}
	return out, found
}

// Has reports whether code occurs.
func (o Options) Has(code uint8) bool {
	return slices.ContainsFunc(o, func(opt Option) bool { return opt.Code == code })
}

// Set replaces every occurrence of code with one option holding data,
// at the position of the first occurrence, or at the end.
func (o *Options) Set(code uint8, data []byte) {
	i := slices.IndexFunc(*o, func(opt Option) bool { return opt.Code == code })
	if i < 0 {
		*o = append(*o, Option{Code: code, Data: data})
		return
	}
	(*o)[i].Data = data
	rest := slices.DeleteFunc((*o)[i+1:], func(opt Option) bool { return opt.Code == code })
	*o = (*o)[:i+1+len(rest)]
}

// Del removes every occurrence of code.
func (o *Options) Del(code uint8) {
	*o = slices.DeleteFunc(*o, func(opt Option) bool { return opt.Code == code })
}

// Codes returns each code once, in order of first occurrence.
func (o Options) Codes() []uint8 {
	var seen [256]bool
	var out []uint8
	for _, opt := range o {
		if !seen[opt.Code] {
			seen[opt.Code] = true
			out = append(out, opt.Code)
		}
	}
	return out
}

// Joined returns one option per code, in order of first occurrence, each
// holding the concatenation of all its pieces (RFC 3396 §5).
func (o Options) Joined() Options {
	out := make(Options, 0, len(o))
	for _, c := range o.Codes() {
		d, _ := o.Get(c)
		out = append(out, Option{Code: c, Data: d})
	}
	return out
}

// Clone returns a deep copy.
func (o Options) Clone() Options {
	if o == nil {
		return nil
	}
	out := make(Options, len(o))
	for i, opt := range o {
		out[i] = Option{Code: opt.Code, Data: slices.Clone(opt.Data)}
	}
	return out
}

// iscHashSize is OPTION_HASH_SIZE of ISC's option tables (dhcpd.h).
const iscHashSize = 17

// iscHash is ISC's compute_option_hash for a DHCP option code.
func iscHash(code uint8) int { return (int(code&31) + int(code>>5)) % iscHashSize }

// optAssociatedIP is option 92 (RFC 4388), which ISC's priority list
// names; a client never sends it unless told to.
const optAssociatedIP uint8 = 92

// clientFirst are the options ISC's cons_options (common/options.c) puts
// first, in this order, in every message dhclient sends, which calls it
// without a PRL: the protocol's own, then those "some servers need"
// early.
var clientFirst = [...]uint8{
	OptMessageType, OptServerID, OptLeaseTime, OptRenewalTime, OptRebindingTime,
	OptMessage, OptRequestedIP, optAssociatedIP,
	OptSubnetMask, OptRouter, OptDNS, OptHostName, OptFQDN,
}

// ClientOrder returns the options of a message the client sends in the
// order ISC dhclient puts them on the wire: those of clientFirst in its
// order, then the rest in ISCOrder, o being in the order ISC stores them
// (make_client_options: the PRL, the client identifier of -i, then the
// send statements, the outer scope's first). A DHCP server that tells
// clients apart by the order of their options sees the same client.
func (o Options) ClientOrder() Options {
	out := make(Options, 0, len(o))
	for _, code := range clientFirst {
		for _, opt := range o {
			if opt.Code == code {
				out = append(out, opt)
			}
		}
	}
	rest := slices.DeleteFunc(slices.Clone(o), func(opt Option) bool {
		return slices.Contains(clientFirst[:], opt.Code)
	})
	return append(out, rest.ISCOrder()...)
}

// ISCOrder returns the options in the order ISC dhclient walks a
// received lease (option_space_foreach): by hash bucket, and within a
// bucket the last stored first, as save_hashed_option puts each new
// option at the head of its bucket. It is the order of ISC's script
// variables and of its "suspect value" lines.
func (o Options) ISCOrder() Options {
	out := slices.Clone(o)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b Option) int { return iscHash(a.Code) - iscHash(b.Code) })
	return out
}
