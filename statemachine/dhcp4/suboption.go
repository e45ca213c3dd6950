package dhcp4

import (
	"bytes"
	"fmt"
)

// maxNesting bounds spaces inside spaces (vendor carries isc): a
// configuration can make two spaces carry each other.
const maxNesting = 8

// Suboption is an option of a space other than the DHCP options, with its
// data: decoded from the option that encapsulates it, or configured by a
// "send SPACE.NAME" statement.
type Suboption struct {
	Def  SubDef
	Data []byte
}

// Suboptions decodes the options that opts encapsulate, as ISC's client
// does for a received packet (common/options.c parse_option_buffer and
// parse_encapsulated_suboptions; client/dhclient.c packet_to_lease): every
// option whose type is "encapsulate SPACE" for a space this catalogue
// decodes (fqdn, nwip, vendor-class, vendor, isc, declared spaces; not the
// relay agent space), recursively, and option 43 with the vendor space if
// one is set. The encapsulating options themselves stay DHCP options.
// The result is in ISC's listing order: space by space in universe order,
// within a space in wire order. A space that keeps the first value of a
// code ignores later ones; fqdn and nwip keep the last, in place. A
// malformed sub-option ends its space's decoding; what came before stays,
// as in ISC.
func (c *Catalogue) Suboptions(opts Options) []Suboption {
	d := &decoder{c: c, found: map[*space][]Suboption{}}
	for _, o := range opts {
		if name, ok := encapsulatedSpace(c.ByCode(o.Code).Type.Format()); ok {
			d.decode(name, o.Data, 0)
		}
	}
	if c.vendorSpace != "" && c.ByCode(43).Type.Format() == "E." {
		if data, ok := opts.Get(43); ok && len(data) > 0 {
			d.decode(c.vendorSpace, data, 0)
		}
	}
	var out []Suboption
	for _, sp := range c.spaces {
		out = append(out, d.found[sp]...)
	}
	return out
}

// decoder collects the sub-options of one option set, space by space.
type decoder struct {
	c     *Catalogue
	found map[*space][]Suboption
}

// decode decodes data as options of the space called name.
func (d *decoder) decode(name string, data []byte, depth int) {
	sp := d.c.findSpace(name)
	if sp == nil || depth >= maxNesting {
		return
	}
	switch sp.kind {
	case spaceFQDN:
		for _, f := range decodeFQDN(data) {
			d.save(sp, sp.byCode(f.code), f.data)
		}
	case spaceTLV:
		d.tlv(sp, data, depth)
	}
}

// tlv decodes code-length-data options. A zero code ends the list, as the
// end option does in ISC's sub-option spaces.
func (d *decoder) tlv(sp *space, buf []byte, depth int) {
	for off := 0; off+sp.codeWidth <= len(buf); {
		code := uint32(getUint(buf[off:], sp.codeWidth))
		if code == 0 {
			return
		}
		off += sp.codeWidth
		if off+sp.lengthWidth > len(buf) {
			return
		}
		n := int(getUint(buf[off:], sp.lengthWidth))
		if off += sp.lengthWidth; off+n > len(buf) {
			return
		}
		def := sp.byCode(code)
		if inner, ok := encapsulatedSpace(def.Type.Format()); ok {
			d.decode(inner, buf[off:off+n], depth+1)
		}
		d.save(sp, def, buf[off:off+n])
		off += n
	}
}

// save records one decoded option, text without its trailing NULs as
// ISC keeps it (see Catalogue.Received).
func (d *decoder) save(sp *space, def SubDef, data []byte) {
	data = def.Type.trimNULs(data)
	list := d.found[sp]
	for i := range list {
		if list[i].Def.Code == def.Code {
			if sp.linked {
				list[i].Data = bytes.Clone(data)
			}
			return
		}
	}
	d.found[sp] = append(list, Suboption{Def: def, Data: bytes.Clone(data)})
}

// getUint reads a big-endian unsigned integer of width 1, 2 or 4 bytes.
func getUint(b []byte, width int) uint64 {
	var v uint64
	for _, c := range b[:width] {
		v = v<<8 | uint64(c)
	}
	return v
}

// putUint appends v as a big-endian unsigned integer of width bytes.
func putUint(b []byte, v uint64, width int) []byte {
	for i := width - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// FormatEnv formats s as ISC exports it to hooks; see Catalogue.FormatEnv.
func (s Suboption) FormatEnv() (string, error) {
	v, err := s.Def.Type.Env(s.Data)
	if err != nil {
		return v, fmt.Errorf("%s: %w", s.Def.FullName(), err) // v is set for ErrCut
	}
	return v, nil
}

// FormatLease formats s as ISC writes it in a lease file; see
// Catalogue.FormatLease.
func (s Suboption) FormatLease() (string, error) {
	v, err := s.Def.Type.Lease(s.Data)
	if err != nil {
		return v, fmt.Errorf("%s: %w", s.Def.FullName(), err) // v is set for ErrCut
	}
	return v, nil
}
