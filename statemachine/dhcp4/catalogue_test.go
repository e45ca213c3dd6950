package dhcp4

import (
	"reflect"
	"testing"
)

// Catalogues share the built-in tables until they change: every change
// must stay in the catalogue that made it.
func TestCatalogueChangesStayInTheirCatalogue(t *testing.T) {
	want := NewCatalogue()
	changes := []struct {
		name   string
		change func(c *Catalogue) error
	}{
		{"Define", func(c *Catalogue) error {
			c.Define(Def{Name: "host-name", Code: 224, Type: Type{code: "t"}})
			return nil
		}},
		{"DefineSpace", func(c *Catalogue) error { return c.DefineSpace("site", 1, 1) }},
		{"DefineSub into a built-in space", func(c *Catalogue) error {
			return c.DefineSub(SubDef{Space: "fqdn", Name: "no-client-update", Code: 200, Type: Type{code: "f"}})
		}},
		{"SetVendorSpace", func(c *Catalogue) error { return c.SetVendorSpace("isc") }},
	}
	for _, tt := range changes {
		c := NewCatalogue()
		if err := tt.change(c); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if reflect.DeepEqual(c.tables, want.tables) {
			t.Errorf("%s changed nothing", tt.name)
		}
		if fresh := NewCatalogue(); !reflect.DeepEqual(fresh.tables, want.tables) {
			t.Fatalf("%s changed the catalogue of every other configuration", tt.name)
		}
	}

	// A changed catalogue's further changes are its own too.
	a, b := NewCatalogue(), NewCatalogue()
	a.Define(Def{Name: "site-a", Code: 225, Type: Type{code: "t"}})
	b.Define(Def{Name: "site-b", Code: 225, Type: Type{code: "t"}})
	if got := a.ByCode(225).Name; got != "site-a" {
		t.Errorf("a's option 225 is %q, want site-a", got)
	}
	if _, ok := NewCatalogue().ByName("site-b"); ok {
		t.Error("b's definition reached a new catalogue")
	}
}

// The built-in tables are built once: NewCatalogue allocates only the
// catalogue itself.
func TestNewCatalogueSharesTheBuiltinTables(t *testing.T) {
	NewCatalogue()
	if n := testing.AllocsPerRun(100, func() { NewCatalogue() }); n > 1 {
		t.Errorf("NewCatalogue allocates %v times, want at most 1", n)
	}
}
