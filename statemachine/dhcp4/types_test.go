package dhcp4

import (
	"errors"
	"testing"
)

func TestParseType(t *testing.T) {
	tests := []struct {
		in, format, str string
	}{
		{"ip-address", "I", "ip-address"},
		{"array of unsigned integer 16", "SA", "array of unsigned integer 16"},
		{"integer 32", "l", "signed integer 32"},
		{"Signed Integer 8", "b", "signed integer 8"},
		{"{ boolean, signed integer 32, ip-address, text }", "flIt", "{ boolean, signed integer 32, ip-address, text }"},
		{"array of { ip-address, ip-address }", "IIA", "array of { ip-address, ip-address }"},
		{"{boolean,array of ip-address}", "fIa", "{ boolean, array of ip-address }"},
		{"domain-list compressed", "Dc", "domain-list compressed"},
		{"domain-list", "D", "domain-list"},
		{"zerolen", "Z", "zerolen"},
		{"string", "X", "string"},
		{"encapsulate vendor", "Evendor.", "encapsulate vendor"},
		{"array of ip6-address", "6A", "array of ip6-address"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			typ, err := ParseType(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if typ.Format() != tt.format || typ.String() != tt.str {
				t.Errorf("got %q %q, want %q %q", typ.Format(), typ.String(), tt.format, tt.str)
			}
			again, err := ParseType(typ.String())
			if err != nil || again != typ {
				t.Errorf("ParseType(String()) = %v, %v", again, err)
			}
		})
	}
}

func TestParseTypeRejects(t *testing.T) {
	for _, in := range []string{
		"", "float", "array of text", "array of string", "{ text, boolean }",
		"array of { ip-address, text }", "{ ip-address, array of ip-address, boolean }",
		"array of { ip-address, array of ip-address }", "array of array of ip-address",
		"{ zerolen, boolean }", "array of zerolen", "{ ip-address", "integer 64", "encapsulate",
	} {
		if typ, err := ParseType(in); !errors.Is(err, ErrBadType) {
			t.Errorf("ParseType(%q) = %v, %v; want ErrBadType", in, typ, err)
		}
	}
}

func TestCatalogue(t *testing.T) {
	c := NewCatalogue()
	for _, tt := range []struct {
		name string
		code uint8
		typ  string
	}{
		{"subnet-mask", 1, "ip-address"},
		{"routers", 3, "array of ip-address"},
		{"host-name", 12, "text"},
		{"static-routes", 33, "array of { ip-address, ip-address }"},
		{"dhcp-lease-time", 51, "unsigned integer 32"},
		{"fqdn", 81, "encapsulate fqdn"},
		{"v6-only-preferred", 108, "unsigned integer 32"},
		{"default-url", 114, "text"},
		{"domain-search", 119, "domain-list compressed"},
		{"rfc3442-classless-static-routes", 121, "array of unsigned integer 8"},
		{"ms-classless-static-routes", 249, "array of unsigned integer 8"},
	} {
		d, ok := c.ByName(tt.name)
		if !ok || d.Code != tt.code || d.Type.String() != tt.typ || c.ByCode(tt.code) != d {
			t.Errorf("%s: got %+v (%s), want code %d type %s", tt.name, d, d.Type, tt.code, tt.typ)
		}
	}
	if d := c.ByCode(224); d.Name != "unknown-224" || d.Type.String() != "string" {
		t.Errorf("ByCode(224) = %+v", d)
	}
	if d, ok := c.ByName("unknown-224"); !ok || d.Code != 224 {
		t.Errorf("ByName(unknown-224) = %+v, %v", d, ok)
	}
	if d, ok := c.ByName("UNKNOWN-121"); !ok || d.Name != "rfc3442-classless-static-routes" {
		t.Errorf("ByName(unknown-121) = %+v, %v; want the definition of 121", d, ok)
	}
	for _, bad := range []string{"unknown-0", "unknown-255", "unknown-0121", "unknown-x", "no-such-option"} {
		if d, ok := c.ByName(bad); ok {
			t.Errorf("ByName(%q) = %+v, want not found", bad, d)
		}
	}
}

func TestCatalogueDefineReplaces(t *testing.T) {
	c := NewCatalogue()
	u16, _ := ParseType("unsigned integer 16")
	c.Define(Def{Name: "my-mtu", Code: 26, Type: u16}) // same code as interface-mtu
	if _, ok := c.ByName("interface-mtu"); ok {
		t.Error("interface-mtu still defined after code 26 was redefined")
	}
	c.Define(Def{Name: "subnet-mask", Code: 230, Type: u16}) // same name, new code
	if d := c.ByCode(1); d.Name != "unknown-1" {
		t.Errorf("code 1 after its name moved: %+v", d)
	}
	if d, _ := c.ByName("Subnet-Mask"); d.Code != 230 {
		t.Errorf("subnet-mask = %+v, want code 230", d)
	}
	if NewCatalogue().ByCode(26).Name != "interface-mtu" {
		t.Error("Define changed another catalogue")
	}
}

func TestEnvName(t *testing.T) {
	if got := EnvName("domain-name-servers"); got != "domain_name_servers" {
		t.Errorf("got %q", got)
	}
}
