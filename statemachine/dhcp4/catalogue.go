package dhcp4

import (
	"maps"
	"strconv"
	"strings"
	"sync"
)

// Def is the definition of one DHCPv4 option: its ISC name, code and type.
type Def struct {
	Name string
	Code uint8
	Type Type
}

// Catalogue maps option codes to definitions and back: ISC dhclient's
// built-in DHCPv4 options plus the custom definitions of dhclient.conf
// ("option NAME code N = TYPE;"), and the option spaces whose options
// encapsulated options carry (fqdn, vendor spaces, "option space NAME;").
// It is not safe for concurrent Define, DefineSpace or DefineSub.
//
// Catalogues share the built-in tables until their first change, which
// copies them: most configurations define nothing, and a copy is 17 KiB
// in size classes little else uses.
type Catalogue struct {
	*tables
	own bool // tables is this catalogue's, not the built-in one
}

// tables is what a catalogue knows.
type tables struct {
	defs  [256]Def
	known [256]bool
	names map[string]uint8 // lower-case name -> code

	spaces      []*space // in ISC's universe order
	vendorSpace string   // the space option 43 decodes with ("vendor option space")
}

// builtinTables are the tables of NewCatalogue, built once and never
// changed.
var builtinTables = sync.OnceValue(func() *tables {
	c := &Catalogue{tables: &tables{names: make(map[string]uint8, len(builtinDefs)), spaces: newBuiltinSpaces()}, own: true}
	for _, b := range builtinDefs {
		c.Define(Def{Name: b.name, Code: b.code, Type: Type{code: b.format}})
	}
	return c.tables
})

// NewCatalogue returns a fresh catalogue of ISC dhclient 4.4.3's built-in
// DHCPv4 options (common/tables.c, dhcp-options(5)), plus 121 as Debian's
// default dhclient.conf defines it (rfc3442-classless-static-routes, array
// of unsigned integer 8, reference §2.5) and 249 (ms-classless-static-routes)
// the same way. It knows ISC's option spaces: fqdn (option 81), nwip (63),
// vendor-class (124), vendor (125), isc, and agent (82) for configuration.
func NewCatalogue() *Catalogue { return &Catalogue{tables: builtinTables()} }

// write makes the tables the catalogue's own before a change: a copy of
// the built-in ones, each space with its definitions.
func (c *Catalogue) write() {
	if c.own {
		return
	}
	t := *c.tables
	t.names = maps.Clone(t.names)
	t.spaces = make([]*space, len(c.spaces))
	for i, sp := range c.spaces {
		t.spaces[i] = sp.clone()
	}
	c.tables, c.own = &t, true
}

// Define adds a definition, replacing any definition with the same name
// or the same code, as a redefinition in dhclient.conf does (reference
// §2.3). Names are case-insensitive.
func (c *Catalogue) Define(d Def) {
	c.write()
	key := strings.ToLower(d.Name)
	if old, ok := c.names[key]; ok {
		c.known[old] = false
		c.defs[old] = Def{}
	}
	if c.known[d.Code] {
		delete(c.names, strings.ToLower(c.defs[d.Code].Name))
	}
	c.defs[d.Code], c.known[d.Code] = d, true
	c.names[key] = d.Code
}

// ByName returns the definition called name (case-insensitive). The form
// "unknown-NNN" names code NNN: its definition if it has one, as ISC's
// parser does, or the unknown-option definition of ByCode.
func (c *Catalogue) ByName(name string) (Def, bool) {
	if code, ok := c.names[strings.ToLower(name)]; ok {
		return c.defs[code], true
	}
	if num, ok := strings.CutPrefix(strings.ToLower(name), "unknown-"); ok {
		n, err := strconv.ParseUint(num, 10, 8)
		if err == nil && n > 0 && n < 255 && strconv.FormatUint(n, 10) == num {
			return c.ByCode(uint8(n)), true
		}
	}
	return Def{}, false
}

// ByCode returns the definition of code. A code without one gets the
// name "unknown-NNN" and ISC's type for undefined options, string.
func (c *Catalogue) ByCode(code uint8) Def {
	if c.known[code] {
		return c.defs[code]
	}
	return Undefined(code)
}

// Undefined is the definition ISC gives code when it has none: the name
// "unknown-NNN" and the type string, whose values are written as
// colon-separated hex or quoted text.
func Undefined(code uint8) Def {
	return Def{Name: "unknown-" + strconv.Itoa(int(code)), Code: code, Type: Type{code: "X"}}
}

// Defs returns every definition in code order.
func (c *Catalogue) Defs() []Def {
	var out []Def
	for code := range c.defs {
		if c.known[code] {
			out = append(out, c.defs[code])
		}
	}
	return out
}

// EnvName returns the hook variable suffix for an option name: every "-"
// becomes "_" (ISC dhcp_option_ev_name, reference §3.4), so
// "domain-name-servers" gives "domain_name_servers".
func EnvName(optionName string) string {
	return strings.ReplaceAll(optionName, "-", "_")
}
