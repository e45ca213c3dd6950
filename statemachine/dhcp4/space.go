package dhcp4

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// ErrBadSpace is wrapped by the errors of DefineSpace and DefineSub.
var ErrBadSpace = errors.New("bad option space")

// spaceKind says how a space's options sit in their encapsulating option.
type spaceKind uint8

const (
	// spaceTLV options are code, length, data, with the widths of the
	// space (RFC 2132 §8.4 vendor options; "option space" declarations).
	spaceTLV spaceKind = iota
	// spaceFQDN is ISC's virtual space over the fields of option 81
	// (RFC 4702 §2): flags, RCODEs and the name.
	spaceFQDN
	// spaceConfig is known to the configuration only: the relay agent
	// sub-options (RFC 3046), which a client never sends and ISC's client
	// never decodes.
	spaceConfig
)

// space is an ISC option space ("universe", common/tables.c): the options
// one encapsulating option carries.
type space struct {
	name        string
	codeWidth   int // bytes of a code: 1, 2 or 4
	lengthWidth int // bytes of a length: 1 or 2
	kind        spaceKind
	builtin     bool
	// linked spaces (fqdn, nwip) keep the last value of a code, the
	// others the first (ISC's linked and hashed option lists).
	linked bool
	defs   map[uint32]SubDef
	names  map[string]uint32 // lower-case name -> code
}

// SubDef is the definition of an option of a space other than the DHCP
// options: fqdn.server-update, or NAME.sub of "option space NAME".
type SubDef struct {
	Space string
	Name  string
	Code  uint32
	Type  Type
}

// FullName returns "SPACE.NAME", as dhclient.conf and lease files spell it.
func (d SubDef) FullName() string { return d.Space + "." + d.Name }

// EnvName returns the hook variable suffix, "SPACE_NAME" with every "-"
// made "_" (ISC dhcp_option_ev_name): fqdn.server-update gives
// "fqdn_server_update".
func (d SubDef) EnvName() string { return EnvName(d.Space) + "_" + EnvName(d.Name) }

// newSpace returns an empty space.
func newSpace(name string, codeWidth, lengthWidth int, kind spaceKind) *space {
	return &space{name: name, codeWidth: codeWidth, lengthWidth: lengthWidth, kind: kind,
		defs: map[uint32]SubDef{}, names: map[string]uint32{}}
}

// clone returns a copy of sp that can change without changing sp.
func (sp *space) clone() *space {
	c := *sp
	c.defs, c.names = maps.Clone(sp.defs), maps.Clone(sp.names)
	return &c
}

// define adds d, replacing a definition with its name or code.
func (sp *space) define(d SubDef) {
	key := strings.ToLower(d.Name)
	if old, ok := sp.names[key]; ok {
		delete(sp.defs, old)
	}
	if old, ok := sp.defs[d.Code]; ok {
		delete(sp.names, strings.ToLower(old.Name))
	}
	d.Space = sp.name
	sp.defs[d.Code], sp.names[key] = d, d.Code
}

// byCode returns the definition of code, or ISC's "unknown-N" string.
func (sp *space) byCode(code uint32) SubDef {
	if d, ok := sp.defs[code]; ok {
		return d
	}
	return SubDef{Space: sp.name, Name: "unknown-" + strconv.FormatUint(uint64(code), 10), Code: code}
}

// maxCode is the largest code the space's code width holds.
func (sp *space) maxCode() uint64 { return 1<<(8*sp.codeWidth) - 1 }

// findSpace returns the space called name (case-sensitive, as ISC's
// universe names are).
func (c *Catalogue) findSpace(name string) *space {
	for _, sp := range c.spaces {
		if sp.name == name {
			return sp
		}
	}
	return nil
}

// HasSpace reports whether an option space called name exists: one of
// ISC's (fqdn, nwip, vendor-class, vendor, isc, and agent for
// configuration) or one a dhclient.conf declared.
func (c *Catalogue) HasSpace(name string) bool { return c.findSpace(name) != nil }

// DefineSpace declares an option space, as "option space NAME [code width
// N] [length width N];" does (ISC parse_option_space_decl): its options
// are code, length and data, codes 1, 2 or 4 bytes wide, lengths 1 or 2.
// Declaring a space again starts it afresh; ISC's built-in spaces other
// than agent cannot be declared.
func (c *Catalogue) DefineSpace(name string, codeWidth, lengthWidth int) error {
	switch {
	case name == "" || name == "dhcp" || strings.ContainsAny(name, ". \t\"{};,"):
		return fmt.Errorf("option space name %q: %w", name, ErrBadSpace)
	case codeWidth != 1 && codeWidth != 2 && codeWidth != 4:
		return fmt.Errorf("invalid code width (%d), expecting a 1, 2 or 4: %w", codeWidth, ErrBadSpace)
	case lengthWidth != 1 && lengthWidth != 2:
		return fmt.Errorf("invalid length width (%d) expecting 1 or 2: %w", lengthWidth, ErrBadSpace)
	}
	c.write()
	if old := c.findSpace(name); old != nil {
		if old.builtin && old.kind != spaceConfig {
			return fmt.Errorf("option space %s is built in: %w", name, ErrBadSpace)
		}
		c.dropSpace(old)
	}
	c.spaces = append(c.spaces, newSpace(name, codeWidth, lengthWidth, spaceTLV))
	return nil
}

// dropSpace removes sp from the catalogue.
func (c *Catalogue) dropSpace(sp *space) {
	for i, x := range c.spaces {
		if x == sp {
			c.spaces = append(c.spaces[:i:i], c.spaces[i+1:]...)
			return
		}
	}
}

// DefineSub adds the definition d to its space, replacing a definition of
// the same name or code there, as "option SPACE.NAME code N = TYPE;" does.
// The space must exist and the code fit its code width.
func (c *Catalogue) DefineSub(d SubDef) error {
	c.write()
	sp := c.findSpace(d.Space)
	if sp == nil {
		return fmt.Errorf("no option space named %s: %w", d.Space, ErrBadSpace)
	}
	if d.Code == 0 || uint64(d.Code) > sp.maxCode() {
		return fmt.Errorf("option code %d does not fit space %s: %w", d.Code, d.Space, ErrBadSpace)
	}
	sp.define(d)
	return nil
}

// SubByName returns the option called name in space (names
// case-insensitive). "unknown-N" names code N, as for DHCP options.
// ok is false for an unknown space or name.
func (c *Catalogue) SubByName(spaceName, name string) (d SubDef, ok bool) {
	sp := c.findSpace(spaceName)
	if sp == nil {
		return SubDef{}, false
	}
	if code, ok := sp.names[strings.ToLower(name)]; ok {
		return sp.defs[code], true
	}
	num, ok := strings.CutPrefix(strings.ToLower(name), "unknown-")
	n, err := strconv.ParseUint(num, 10, 32)
	if !ok || err != nil || n == 0 || n > sp.maxCode() || strconv.FormatUint(n, 10) != num {
		return SubDef{}, false
	}
	return sp.byCode(uint32(n)), true
}

// SubByCode returns the definition of code in space, or an "unknown-N"
// definition of type string.
func (c *Catalogue) SubByCode(spaceName string, code uint32) SubDef {
	if sp := c.findSpace(spaceName); sp != nil {
		return sp.byCode(code)
	}
	return SubDef{Space: spaceName, Name: "unknown-" + strconv.FormatUint(uint64(code), 10), Code: code}
}

// SetVendorSpace makes option 43 (vendor-encapsulated-options) decode
// with the options of space name, as "vendor option space NAME;" does
// (RFC 2132 §8.4); "" turns that off. As in ISC the space is looked up by
// name when options are decoded, so it may be declared later; the error
// (ErrBadSpace) says that it does not exist yet, and the name is set all
// the same.
func (c *Catalogue) SetVendorSpace(name string) error {
	c.write()
	c.vendorSpace = name
	if name != "" && c.findSpace(name) == nil {
		return fmt.Errorf("vendor option space %s not found: %w", name, ErrBadSpace)
	}
	return nil
}

// VendorSpace returns the space option 43 decodes with, or "".
func (c *Catalogue) VendorSpace() string { return c.vendorSpace }

// ClientSends reports whether a client sends options of space name: not
// the relay agent sub-options, which only relay agents add (RFC 3046 §2.1;
// ISC's client leaves option 82 out of every message it builds).
func (c *Catalogue) ClientSends(name string) bool {
	sp := c.findSpace(name)
	return sp != nil && sp.kind != spaceConfig
}

// encapsulatedSpace returns the space name of an encapsulation format
// ("Efqdn." gives "fqdn"): ISC decodes an option's data as sub-options
// only when its format starts with E.
func encapsulatedSpace(format string) (string, bool) {
	rest, ok := strings.CutPrefix(format, "E")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, ".")
	return name, ok
}

// ParseValue converts value text for d as Catalogue.ParseValue does for
// DHCP options.
func (d SubDef) ParseValue(text string) ([]byte, error) {
	data, err := d.Type.ParseValue(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.FullName(), err)
	}
	return data, nil
}
