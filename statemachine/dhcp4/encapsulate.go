package dhcp4

import (
	"maps"
	"slices"
)

// Encapsulate builds the DHCP options that carry subs, as ISC's client
// builds them from "send SPACE.NAME" statements (common/options.c
// store_options, fqdn_option_space_encapsulate,
// hashed_option_space_encapsulate): one option per space that a DHCP
// option of type "encapsulate SPACE" carries, in universe order. The
// fqdn space becomes option 81 (RFC 4702 §2, see encodeFQDN); the others
// become code, length and data in the space's widths, in the order
// given, empty values left out unless zerolen, values too long for the
// length width left out too. A space carried by an option of another
// space (isc inside vendor) goes inside that option when it has no value
// of its own. Spaces no DHCP option carries give nothing: the vendor
// space of option 43 among them, whose options ISC's client does not send
// either. When subs name a code twice, the last value counts.
func (c *Catalogue) Encapsulate(subs []Suboption) Options {
	vals := map[string][]Suboption{}
	for _, s := range subs {
		vals[s.Def.Space] = setSub(vals[s.Def.Space], s)
	}
	var out Options
	for _, sp := range c.spaces {
		code, ok := c.carrier(sp.name)
		if !ok {
			continue
		}
		if data, ok := c.encode(sp, vals, 0); ok {
			out = append(out, Option{Code: code, Data: data})
		}
	}
	return out
}

// setSub replaces the value of s's code in list, or appends s.
func setSub(list []Suboption, s Suboption) []Suboption {
	for i := range list {
		if list[i].Def.Code == s.Def.Code {
			list[i] = s
			return list
		}
	}
	return append(list, s)
}

// carrier returns the DHCP option that encapsulates the space called
// name: the first, by code, whose type is "encapsulate name".
func (c *Catalogue) carrier(name string) (uint8, bool) {
	for code := range c.defs {
		if c.known[code] {
			if n, ok := encapsulatedSpace(c.defs[code].Type.Format()); ok && n == name {
				return uint8(code), true
			}
		}
	}
	return 0, false
}

// encode returns the encapsulated form of sp's values, and false when sp
// has nothing to send.
func (c *Catalogue) encode(sp *space, vals map[string][]Suboption, depth int) ([]byte, bool) {
	list := vals[sp.name]
	switch {
	case depth >= maxNesting:
		return nil, false
	case sp.kind == spaceFQDN:
		if len(list) == 0 {
			return nil, false
		}
		fields := map[uint32][]byte{}
		for _, s := range list {
			fields[s.Def.Code] = s.Data
		}
		return encodeFQDN(fields), true
	case sp.kind != spaceTLV:
		return nil, false
	}
	var out []byte
	stored := false
	for _, s := range list {
		out, stored = sp.appendTLV(out, s.Def, s.Data, stored)
	}
	for _, code := range slices.Sorted(maps.Keys(sp.defs)) {
		def := sp.defs[code]
		inner, ok := encapsulatedSpace(def.Type.Format())
		if !ok || hasCode(list, def.Code) || c.findSpace(inner) == nil {
			continue
		}
		if data, ok := c.encode(c.findSpace(inner), vals, depth+1); ok {
			out, stored = sp.appendTLV(out, def, data, stored)
		}
	}
	return out, stored
}

// appendTLV appends one option in sp's widths (ISC append_option) and
// reports whether anything has been stored so far.
func (sp *space) appendTLV(out []byte, def SubDef, data []byte, stored bool) ([]byte, bool) {
	if len(data) == 0 && !def.Type.Zerolen() || uint64(len(data)) >= 1<<(8*sp.lengthWidth) {
		return out, stored
	}
	out = putUint(out, uint64(def.Code), sp.codeWidth)
	out = putUint(out, uint64(len(data)), sp.lengthWidth)
	return append(out, data...), true
}

// hasCode reports whether list has a value for code.
func hasCode(list []Suboption, code uint32) bool {
	for _, s := range list {
		if s.Def.Code == code {
			return true
		}
	}
	return false
}
