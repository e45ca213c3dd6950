package dhcp4

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// vendorCatalogue declares "option space foo;" with foo.bar (ip-address)
// and foo.name (text), and decodes option 43 with it.
func vendorCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	c := NewCatalogue()
	must(t, c.DefineSpace("foo", 1, 1))
	must(t, c.DefineSub(SubDef{Space: "foo", Name: "bar", Code: 1, Type: mustType(t, "ip-address")}))
	must(t, c.DefineSub(SubDef{Space: "foo", Name: "name", Code: 3, Type: mustType(t, "text")}))
	must(t, c.SetVendorSpace("foo"))
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustType(t *testing.T, s string) Type {
	t.Helper()
	ty, err := ParseType(s)
	must(t, err)
	return ty
}

func TestSpaceDefinitions(t *testing.T) {
	c := NewCatalogue()
	for _, name := range []string{"fqdn", "nwip", "vendor-class", "vendor", "isc", "agent"} {
		if !c.HasSpace(name) {
			t.Errorf("no built-in space %s", name)
		}
	}
	bad := []struct {
		name       string
		code, size int
	}{{"fqdn", 1, 1}, {"dhcp", 1, 1}, {"a.b", 1, 1}, {"", 1, 1}, {"x", 3, 1}, {"x", 1, 4}}
	for _, b := range bad {
		if err := c.DefineSpace(b.name, b.code, b.size); !errors.Is(err, ErrBadSpace) {
			t.Errorf("DefineSpace(%q, %d, %d) = %v, want ErrBadSpace", b.name, b.code, b.size, err)
		}
	}
	if err := c.DefineSub(SubDef{Space: "nope", Name: "x", Code: 1}); !errors.Is(err, ErrBadSpace) {
		t.Errorf("DefineSub in unknown space: %v", err)
	}
	must(t, c.DefineSpace("wide", 2, 2))
	if err := c.DefineSub(SubDef{Space: "wide", Name: "x", Code: 70000}); !errors.Is(err, ErrBadSpace) {
		t.Errorf("code 70000 in a 2-byte space: %v", err)
	}
	must(t, c.DefineSub(SubDef{Space: "wide", Name: "x", Code: 300}))
	if d, ok := c.SubByName("wide", "X"); !ok || d.Code != 300 || d.FullName() != "wide.x" {
		t.Errorf("SubByName(wide, X) = %+v, %v", d, ok)
	}
	if d, ok := c.SubByName("wide", "unknown-301"); !ok || d.Code != 301 || d.Type.Format() != "X" {
		t.Errorf("SubByName(wide, unknown-301) = %+v, %v", d, ok)
	}
	for _, n := range []string{"unknown-0", "unknown-70000", "unknown-01", "nothing"} {
		if d, ok := c.SubByName("wide", n); ok {
			t.Errorf("SubByName(wide, %s) = %+v", n, d)
		}
	}
	if d := c.SubByCode("fqdn", 2); d.EnvName() != "fqdn_server_update" {
		t.Errorf("fqdn 2 = %+v", d)
	}
	if err := c.SetVendorSpace("nope"); !errors.Is(err, ErrBadSpace) {
		t.Errorf("SetVendorSpace(nope) = %v", err)
	}
}

// TestAgentSpace checks that the relay agent space is known for
// configuration, never decoded, and becomes an ordinary space when a
// configuration declares it.
func TestAgentSpace(t *testing.T) {
	c := NewCatalogue()
	if d, ok := c.SubByName("agent", "circuit-id"); !ok || d.Code != 1 {
		t.Fatalf("agent.circuit-id = %+v, %v", d, ok)
	}
	if c.ClientSends("agent") || !c.ClientSends("fqdn") {
		t.Error("ClientSends: agent must be false, fqdn true")
	}
	opts := Options{{Code: 82, Data: []byte{1, 3, 'e', 't', 'h'}}}
	if subs := c.Suboptions(opts); len(subs) != 0 {
		t.Errorf("option 82 decoded: %v", subs)
	}
	must(t, c.DefineSpace("agent", 1, 1))
	must(t, c.DefineSub(SubDef{Space: "agent", Name: "circuit-id", Code: 1, Type: mustType(t, "text")}))
	if got := fqdnText(t, c.Suboptions(opts)); got != "agent_circuit_id=eth" {
		t.Errorf("declared agent space: %s", got)
	}
}

func TestSuboptions(t *testing.T) {
	c := vendorCatalogue(t)
	must(t, c.DefineSpace("wide", 2, 2))
	must(t, c.DefineSub(SubDef{Space: "wide", Name: "n", Code: 258, Type: mustType(t, "unsigned integer 16")}))
	c.Define(Def{Name: "wide-carrier", Code: 224, Type: mustType(t, "encapsulate wide")})
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"vendor space", Options{{Code: 43, Data: []byte{1, 4, 10, 88, 0, 5, 2, 2, 'h', 'i', 3, 3, 'x', 0, 0}}},
			"foo_bar=10.88.0.5 foo_unknown_2=hi foo_name=x"},
		{"first value wins", Options{{Code: 43, Data: []byte{1, 4, 1, 1, 1, 1, 1, 4, 2, 2, 2, 2}}}, "foo_bar=1.1.1.1"},
		{"zero code ends", Options{{Code: 43, Data: []byte{1, 4, 1, 1, 1, 1, 0, 2, 2, 4}}}, "foo_bar=1.1.1.1"},
		{"malformed keeps what came before", Options{{Code: 43, Data: []byte{1, 4, 1, 1, 1, 1, 2, 9, 'x'}}}, "foo_bar=1.1.1.1"},
		{"wide space", Options{{Code: 224, Data: []byte{1, 2, 0, 2, 0, 7}}}, "wide_n=7"},
		{"vivso carries isc", Options{{Code: 125, Data: []byte{0, 0, 0x09, 0xbf, 7, 0, 1, 0, 3, 'e', 't', 'h'}}},
			"vendor_isc=0:1:0:3:65:74:68 isc_media=eth"},
		{"vivco", Options{{Code: 124, Data: []byte{0, 0, 0x0d, 0xe9, 3, 'a', 'b', 'c'}}}, "vendor_class_unknown_3561=abc"},
		{"nwip", Options{{Code: 63, Data: []byte{5, 1, 1, 11, 4, 10, 0, 0, 1, 1, 1, 'z'}}},
			"nwip_nsq_broadcast=true nwip_primary_dss=10.0.0.1 nwip_illegal_1="},
		{"spaces in ISC order", Options{{Code: 43, Data: []byte{1, 4, 1, 2, 3, 4}}, {Code: OptFQDN, Data: []byte{1, 0, 5}}},
			"fqdn_encoded=false fqdn_no_client_update=false fqdn_server_update=true fqdn_rcode1=0 fqdn_rcode2=5 foo_bar=1.2.3.4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fqdnText(t, c.Suboptions(tt.opts)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	c.SetVendorSpace("")
	if subs := c.Suboptions(tests[0].opts); len(subs) != 0 {
		t.Errorf("without a vendor space option 43 decoded: %v", subs)
	}
}

func TestSuboptionLeaseText(t *testing.T) {
	c := vendorCatalogue(t)
	opts := Options{{Code: 43, Data: []byte{3, 4, 'a', '"', 'b', 0}}, {Code: OptFQDN, Data: []byte{0, 0, 0, 'h', '.', 'x'}}}
	var lines []string
	for _, s := range c.Suboptions(opts) {
		v, err := s.FormatLease()
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, "option "+s.Def.FullName()+" "+v+";")
	}
	want := []string{
		`option fqdn.encoded false;`, `option fqdn.hostname "h";`, `option fqdn.domainname "x";`,
		`option fqdn.fqdn "h.x";`, `option fqdn.no-client-update false;`, `option fqdn.server-update false;`,
		`option fqdn.rcode1 0;`, `option fqdn.rcode2 0;`, `option foo.name "a\"b";`,
	}
	if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}
}

func TestEncapsulateSpaces(t *testing.T) {
	c := vendorCatalogue(t)
	must(t, c.DefineSpace("site", 1, 1))
	must(t, c.DefineSub(SubDef{Space: "site", Name: "on", Code: 2, Type: mustType(t, "zerolen")}))
	must(t, c.DefineSub(SubDef{Space: "site", Name: "id", Code: 1, Type: mustType(t, "string")}))
	c.Define(Def{Name: "site-options", Code: 224, Type: mustType(t, "encapsulate site")})
	sub := func(space, name string, data string) Suboption {
		d, ok := c.SubByName(space, name)
		if !ok {
			t.Fatalf("no %s.%s", space, name)
		}
		return Suboption{Def: d, Data: []byte(data)}
	}
	tests := []struct {
		name string
		subs []Suboption
		want Options
	}{
		{"declared space", []Suboption{sub("site", "id", "ab"), sub("site", "on", "")}, Options{{Code: 224, Data: []byte{1, 2, 'a', 'b', 2, 0}}}},
		{"empty value left out", []Suboption{sub("site", "id", "")}, nil},
		{"isc inside vivso", []Suboption{sub("isc", "media", "eth")},
			Options{{Code: 125, Data: []byte{0, 0, 0x09, 0xbf, 7, 0, 1, 0, 3, 'e', 't', 'h'}}}},
		// ISC's client never sends the vendor space of option 43.
		{"vendor space", []Suboption{sub("foo", "bar", "\x01\x02\x03\x04")}, nil},
		{"relay agent", []Suboption{sub("agent", "circuit-id", "x")}, nil},
		{"fqdn and site in space order", []Suboption{sub("site", "id", "z"), sub("fqdn", "server-update", "\x01")},
			Options{{Code: OptFQDN, Data: []byte{1, 0, 0}}, {Code: 224, Data: []byte{1, 1, 'z'}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Encapsulate(tt.subs)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].Code != tt.want[i].Code || !bytes.Equal(got[i].Data, tt.want[i].Data) {
					t.Errorf("option %d = %d % x, want %d % x", i, got[i].Code, got[i].Data, tt.want[i].Code, tt.want[i].Data)
				}
			}
		})
	}
}
