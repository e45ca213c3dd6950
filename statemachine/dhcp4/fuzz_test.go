package dhcp4

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.hex from the builders")

// hexFixtures are realistic messages; FuzzParse starts from them.
var hexFixtures = map[string]func() []byte{
	"dnsmasq-ack-overload.hex": dnsmasqACK,
	"isc-discover.hex":         iscDiscover,
	"dnsmasq-offer.hex":        dnsmasqOffer,
}

// iscDiscover is a DHCPDISCOVER as ISC dhclient sends it with Debian's
// dhclient.conf (reference §2.5): host-name and the 13-entry PRL.
func iscDiscover() []byte {
	m := &Message{Op: BootRequest, XID: 0xc8f4f97e, Options: Options{
		{OptMessageType, []byte{byte(Discover)}},
		{OptHostName, []byte("vm")},
		{OptParamRequest, []byte{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42}},
	}}
	m.SetHardwareAddr([]byte{2, 0, 0, 0x77, 0, 2})
	b, _ := m.AppendBinary(nil)
	return b
}

// dnsmasqOffer is the OFFER matching dnsmasqACK, without overload.
func dnsmasqOffer() []byte {
	m, _ := Parse(dnsmasqACK())
	m.Options.Set(OptMessageType, []byte{byte(Offer)})
	m.Options.Del(OptOverload)
	b, _ := m.AppendBinary(nil)
	return b
}

func TestHexFixtures(t *testing.T) {
	for name, build := range hexFixtures {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, []byte(hex.Dump(build())), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := readHexDump(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, build()) {
			t.Errorf("%s differs from its builder; run go test -update", name)
		}
		if _, err := Parse(got); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// readHexDump reads the output of hex.Dump (offset, hex bytes, ASCII).
func readHexDump(path string) ([]byte, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, line := range strings.Split(string(text), "\n") {
		if len(line) < 10 {
			continue
		}
		hexPart, _, _ := strings.Cut(line[10:], "|")
		b, err := hex.DecodeString(strings.Join(strings.Fields(hexPart), ""))
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}

// FuzzParse checks that parse → append → parse gives an equal message,
// that appending is idempotent, and that overload on write reads back.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.hex")
	for _, p := range paths {
		if b, err := readHexDump(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, peekErr := Peek(b)
		m, err := Parse(b)
		if err != nil {
			if peekErr == nil || !errors.Is(err, peekErr) {
				t.Fatalf("Parse refuses with %v, Peek says %v", err, peekErr)
			}
			return
		}
		if peekErr != nil || typ != m.Type() {
			t.Fatalf("Parse decodes type %v, Peek says %v, %v", m.Type(), typ, peekErr)
		}
		out, err := m.AppendBinary(nil)
		if err != nil {
			t.Fatalf("append: %v", err)
		}
		m2, err := Parse(out)
		if err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("reparse differs:\n%+v\n%+v", m, m2)
		}
		out2, _ := m2.AppendBinary(nil)
		if !bytes.Equal(out, out2) {
			t.Fatal("append is not idempotent")
		}
		sized, err := m.AppendBinarySized(nil, 576)
		if err != nil {
			return
		}
		m3, err := Parse(sized)
		if err != nil || len(sized) > max(576, len(out)) {
			t.Fatalf("sized: %d bytes, %v", len(sized), err)
		}
		want, got := m.Options.Joined(), m3.Options.Joined()
		if len(out) > 576 {
			want.Del(OptOverload)
			got.Del(OptOverload)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("sized options differ:\n%v\n%v", want, got)
		}
	})
}

// fuzzTypes are the types FuzzLeaseText formats: every built-in format
// and the custom ones of the golden dhclient.conf.
func fuzzTypes() []Type {
	var out []Type
	for _, d := range NewCatalogue().Defs() {
		if !slices.Contains(out, d.Type) {
			out = append(out, d.Type)
		}
	}
	for _, s := range []string{"{ boolean, signed integer 32, ip-address, text }", "lease-time",
		"array of signed integer 16", "domain-list", "zerolen", "{ ip6-address, domain-name }"} {
		ty, _ := ParseType(s)
		out = append(out, ty)
	}
	return out
}

// FuzzLeaseText checks that formatting any data never panics, and that
// lease-file text reads back to data that formats to the same text. ISC's
// text is not always reversible byte for byte (a last NUL of text is
// dropped, extra bytes are left out), but it is stable: it reads back and
// writes again unchanged. The exceptions are those of mustReadBack, whose
// lines the lease writer checks one by one.
func FuzzLeaseText(f *testing.F) {
	types := fuzzTypes()
	f.Add(uint8(0), []byte{10, 0, 0, 1})
	f.Add(uint8(1), []byte("hello\x00"))
	f.Add(uint8(len(types)-1), []byte("\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x01a\x00"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		_, _ = typ.Env(data)
		// Writers format the data as ISC keeps it (Catalogue.Received):
		// text has no trailing NULs, so the one ISC drops is the only one.
		text, err := typ.Lease(typ.trimNULs(data))
		if err != nil {
			return
		}
		back, err := typ.parse(text)
		if err != nil {
			if mustReadBack(typ) {
				t.Fatalf("%s: parse %q: %v", typ, text, err)
			}
			return
		}
		if !mustReadBack(typ) {
			return
		}
		again, err := typ.Lease(back)
		if err != nil || again != text {
			t.Fatalf("%s: %x → %q reads back as %x = %q, %v", typ, typ.trimNULs(data), text, back, again, err)
		}
	})
}

// mustReadBack reports whether every lease-file text of typ reads back
// to data with the same text: all types but those with names (ISC escapes
// neither a dot nor a NUL inside a label, so label boundaries can move)
// and those where a string follows fixed fields (ISC runs the first hex
// byte into the number before it).
func mustReadBack(typ Type) bool {
	f := typ.Format()
	if strings.ContainsAny(f, "dD") {
		return false
	}
	return !strings.ContainsAny(f, "XE") || strings.IndexAny(f, "XE") == 0
}

// FuzzTypeText checks that accepted type text prints back to text that
// parses to the same type, and that formatting any data with it is safe.
func FuzzTypeText(f *testing.F) {
	for _, s := range []string{"ip-address", "array of unsigned integer 16", "domain-list compressed",
		"{ boolean, signed integer 32, ip-address, text }", "array of { ip-address, ip-address }",
		"{ unsigned integer 8, array of ip6-address }", "encapsulate fqdn", "zerolen"} {
		f.Add(s, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	}
	f.Fuzz(func(t *testing.T, text string, data []byte) {
		typ, err := ParseType(text)
		if err != nil {
			return
		}
		again, err := ParseType(typ.String())
		if err != nil || again != typ {
			t.Fatalf("%q → %q → %v, %v", text, typ.String(), again, err)
		}
		if s, err := typ.Lease(data); err == nil && mustReadBack(typ) {
			if _, err := typ.parse(s); err != nil {
				t.Fatalf("%s: %q does not read back: %v", typ, s, err)
			}
		}
	})
}

// fuzzSpaceCatalogue is the catalogue FuzzSuboptions decodes with: ISC's
// spaces, a vendor space for option 43 and a wide space carried by 224.
func fuzzSpaceCatalogue() *Catalogue {
	c := NewCatalogue()
	_ = c.DefineSpace("acme", 1, 1)
	_ = c.DefineSpace("wide", 2, 2)
	for _, d := range []struct {
		space, name, typ string
		code             uint32
	}{
		{"acme", "servers", "array of ip-address", 1}, {"acme", "profile", "text", 2},
		{"acme", "inner", "encapsulate wide", 3}, {"wide", "n", "unsigned integer 16", 258},
		{"wide", "back", "encapsulate acme", 1},
	} {
		ty, _ := ParseType(d.typ)
		_ = c.DefineSub(SubDef{Space: d.space, Name: d.name, Code: d.code, Type: ty})
	}
	ty, _ := ParseType("encapsulate wide")
	c.Define(Def{Name: "wide-options", Code: 224, Type: ty})
	_ = c.SetVendorSpace("acme")
	return c
}

// FuzzSuboptions checks that decoding the options an encapsulating option
// carries never panics, that every decoded value formats safely and, where
// its type allows, reads back from its lease-file text, and that option
// 81 built from the decoded fqdn fields keeps their flags and RCODEs.
func FuzzSuboptions(f *testing.F) {
	f.Add(uint8(OptFQDN), []byte("\x05\x00\x00\x06myhost\x07example\x03com\x00"))
	f.Add(uint8(OptFQDN), []byte("\x00\x00\x00host\x00"))
	f.Add(uint8(43), []byte{1, 4, 10, 0, 0, 1, 2, 1, 'x', 3, 6, 1, 2, 0, 2, 0, 9})
	f.Add(uint8(125), []byte{0, 0, 0x09, 0xbf, 7, 0, 1, 0, 3, 'e', 't', 'h'})
	f.Add(uint8(224), []byte{0, 1, 0, 4, 1, 2, 'a', 'b'})
	c := fuzzSpaceCatalogue()
	f.Fuzz(func(t *testing.T, code uint8, data []byte) {
		subs := c.Suboptions(Options{{Code: code, Data: data}})
		fields := map[uint32][]byte{}
		for _, s := range subs {
			_, _ = s.FormatEnv()
			if s.Def.Space == "fqdn" {
				fields[s.Def.Code] = s.Data
			}
			text, err := s.FormatLease()
			if err != nil || !mustReadBack(s.Def.Type) {
				continue
			}
			if _, err := s.Def.ParseValue(text); err != nil {
				t.Fatalf("%s: %q does not read back: %v", s.Def.FullName(), text, err)
			}
		}
		_ = c.Encapsulate(subs)
		if len(fields) != 8 {
			return
		}
		again := map[uint32][]byte{}
		for _, s := range c.Suboptions(Options{{Code: OptFQDN, Data: encodeFQDN(fields)}}) {
			again[s.Def.Code] = s.Data
		}
		for _, k := range []uint32{FQDNNoClientUpdate, FQDNServerUpdate, FQDNEncoded, FQDNRcode1, FQDNRcode2} {
			if !bytes.Equal(fields[k], again[k]) {
				t.Fatalf("fqdn field %d: %x → %x", k, fields[k], again[k])
			}
		}
	})
}
