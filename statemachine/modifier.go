package statemachine

import "github.com/leased/leased/statemachine/dhcp4"

// ModifierKind is what a lease modifier statement does with an option of
// the server's answer (reference §2.2).
type ModifierKind uint8

// The lease modifiers of dhclient.conf.
const (
	Default   ModifierKind = iota // default: the value when none is there
	Supersede                     // supersede: the value, whatever is there
	Prepend                       // prepend: the value, then what is there
	Append                        // append: what is there, then the value
)

// Modifier is one default, supersede, prepend or append statement.
type Modifier struct {
	Kind ModifierKind
	Code uint8
	Data []byte
}

// modify applies mods to opts in their order, as ISC runs a scope's
// statements, the outer scope's first (common/execute.c): each one sees
// what those before it made, so an interface's supersede replaces what a
// global prepend put in, and two prepends both count.
func modify(opts dhcp4.Options, mods []Modifier) dhcp4.Options {
	for _, mod := range mods {
		d, ok := opts.Get(mod.Code)
		switch mod.Kind {
		case Default:
			if !ok {
				opts.Set(mod.Code, clone(mod.Data))
			}
		case Supersede:
			opts.Set(mod.Code, clone(mod.Data))
		case Prepend:
			opts.Set(mod.Code, concat(mod.Code, mod.Data, d))
		case Append:
			opts.Set(mod.Code, concat(mod.Code, d, mod.Data))
		}
	}
	return opts
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

// concat is option code's value a followed by b, for prepend and append:
// a domain search list (RFC 3397) is joined name by name, its pointers
// being offsets within each list (dhcp4.ConcatNames).
func concat(code uint8, a, b []byte) []byte {
	if code == dhcp4.OptDomainSearch && len(a) > 0 && len(b) > 0 {
		return dhcp4.ConcatNames(a, b)
	}
	return append(clone(a), b...)
}
