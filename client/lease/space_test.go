package lease

import (
	"bytes"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// fqdnBlock is the block ISC dhclient 4.4.3 writes for an ACK whose option
// 81 answers NetworkManager's `send fqdn.fqdn "myhost.example.com"; send
// fqdn.encoded on; send fqdn.server-update on;`: the option itself as hex
// (its first byte is not printable), then the fqdn space that
// fqdn_universe_decode derived from it, in its order. The domainname of a
// wire-form name keeps its leading dot in ISC.
const fqdnBlock = `lease {
  interface "eth0";
  fixed-address 192.0.2.7;
  option subnet-mask 255.255.255.0;
  option fqdn 5:0:0:6:6d:79:68:6f:73:74:7:65:78:61:6d:70:6c:65:3:63:6f:6d:0;
  option fqdn.encoded true;
  option fqdn.hostname "myhost";
  option fqdn.domainname ".example.com";
  option fqdn.fqdn "myhost.example.com";
  option fqdn.no-client-update false;
  option fqdn.server-update true;
  option fqdn.rcode1 0;
  option fqdn.rcode2 0;
  renew 4 2030/01/03 04:05:06;
  rebind 4 2030/01/03 04:05:06;
  expire 4 2030/01/03 04:05:06;
}
`

// rewrite parses text and writes it again.
func rewrite(t *testing.T, text string, cat *dhcp4.Catalogue) (string, *File) {
	t.Helper()
	f, errs := Parse(strings.NewReader(text), "test", cat)
	for _, e := range errs {
		t.Errorf("parse: %v", e)
	}
	var buf bytes.Buffer
	if err := write(&buf, f, cat, Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	return buf.String(), f
}

func TestFQDNLeaseRoundTrip(t *testing.T) {
	got, f := rewrite(t, fqdnBlock, testCatalogue(t))
	if got != fqdnBlock {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, fqdnBlock)
	}
	want := "\x05\x00\x00\x06myhost\x07example\x03com\x00"
	if d, _ := f.Leases[0].Lease.Options.Get(dhcp4.OptFQDN); string(d) != want {
		t.Errorf("option 81 = %q, want %q", d, want)
	}
}

// TestFQDNLeaseFromSuboptions reads a block as ISC before 4.4 wrote it,
// with the fqdn space but not option 81 itself: the option is rebuilt.
func TestFQDNLeaseFromSuboptions(t *testing.T) {
	var old []string
	for _, l := range strings.Split(fqdnBlock, "\n") {
		if !strings.HasPrefix(l, "  option fqdn ") {
			old = append(old, l)
		}
	}
	got, _ := rewrite(t, strings.Join(old, "\n"), testCatalogue(t))
	if got != fqdnBlock {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, fqdnBlock)
	}
}

// TestWriteISCEdgeValues checks the values that other programs' lease
// parsers trip over: ISC's text, exactly.
func TestWriteISCEdgeValues(t *testing.T) {
	cat := testCatalogue(t)
	zl, _ := dhcp4.ParseType("zerolen")
	cat.Define(dhcp4.Def{Name: "site-flag", Code: 230, Type: zl})
	opts := dhcp4.Options{
		{Code: 248, Data: []byte{}},                       // unknown, zero length
		{Code: dhcp4.OptHostName, Data: []byte("vm\x00")}, // text with a trailing NUL
		{Code: 60, Data: []byte("ABC\x00")},               // string with a trailing NUL
		{Code: 61, Data: []byte{1, 2, 0xab}},              // string, not printable
		{Code: 224, Data: []byte(`a"b\c`)},                // unknown, quotes and backslash
		{Code: dhcp4.OptDomainSearch, Data: []byte{}},     // ISC: "option domain-search ;"
		{Code: 230, Data: []byte{}},                       // zerolen
		{Code: dhcp4.OptRouter, Data: []byte{}},           // ISC: <error>
		{Code: 97, Data: []byte{0, 0x12, 0x34}},           // ISC: 012:34
		{Code: dhcp4.OptDNS, Data: []byte{1, 1, 1, 1, 8, 8, 8, 8, 9}},
	}
	exp := time.Date(2030, 1, 3, 4, 5, 6, 0, time.UTC)
	f := &File{Leases: []Entry{{Interface: "eth0", Lease: &statemachine.Lease{
		Addr: netip.MustParseAddr("192.0.2.7"), Options: opts, Renew: exp, Rebind: exp, Expire: exp}}}}
	var buf bytes.Buffer
	if err := write(&buf, f, cat, Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`  option unknown-248 "";`,
		`  option host-name "vm";`,
		`  option vendor-class-identifier "ABC";`,
		`  option dhcp-client-identifier 1:2:ab;`,
		`  option unknown-224 "a\"b\\c";`,
		`  option site-flag;`,
		`  option domain-name-servers 1.1.1.1,8.8.8.8;`,
	}
	var got []string
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "  option ") {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("options:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	again, _ := rewrite(t, buf.String(), cat)
	if again != buf.String() {
		t.Errorf("unstable:\n%s\n---\n%s", buf.String(), again)
	}
}

// TestReadOldZeroLength reads what leased wrote before for a zero-length
// option, and ISC's spelling.
func TestReadOldZeroLength(t *testing.T) {
	for _, line := range []string{`option unknown-248;`, `option unknown-248 "";`} {
		text := strings.Replace(goodBlock, "expire never;", line+"\n  expire never;", 1)
		f, errs := Parse(strings.NewReader(text), "t", testCatalogue(t))
		if len(errs) != 0 || len(f.Leases) != 1 {
			t.Fatalf("%s: %v", line, errs)
		}
		if d, ok := f.Leases[0].Lease.Options.Get(248); !ok || len(d) != 0 {
			t.Errorf("%s: got %q, %v", line, d, ok)
		}
	}
}

func TestVendorSpaceLease(t *testing.T) {
	cat := testCatalogue(t)
	if err := cat.DefineSpace("foo", 1, 1); err != nil {
		t.Fatal(err)
	}
	ip, _ := dhcp4.ParseType("ip-address")
	if err := cat.DefineSub(dhcp4.SubDef{Space: "foo", Name: "bar", Code: 1, Type: ip}); err != nil {
		t.Fatal(err)
	}
	if err := cat.SetVendorSpace("foo"); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(goodBlock, "expire never;",
		"option vendor-encapsulated-options 1:4:a:58:0:5;\n  option foo.bar 10.88.0.5;\n  expire never;", 1)
	got, _ := rewrite(t, text, cat)
	for _, want := range []string{"  option vendor-encapsulated-options 1:4:a:58:0:5;\n", "  option foo.bar 10.88.0.5;\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestParseSpaceErrors(t *testing.T) {
	tests := []struct{ line, err string }{
		{`option nope.x 1;`, "no option space named nope."},
		{`option fqdn.nope 1;`, "no option named nope in space fqdn"},
		{`option fqdn.rcode1 300;`, "bad value"},
	}
	for _, tt := range tests {
		text := strings.Replace(goodBlock, "expire never;", tt.line+"\n  expire never;", 1)
		f, errs := Parse(strings.NewReader(text), "t", testCatalogue(t))
		if len(f.Leases) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.err) {
			t.Errorf("%s: %d leases, errors %v; want one lease and %q", tt.line, len(f.Leases), errs, tt.err)
		}
	}
}

// cloudInitStatements splits lease text as cloud-init's IscDhclient
// parse_leases does (cloudinit/net/dhcp.py): blocks by regex, statements
// by ";", quotes and "option " removed, then one split on a space. A
// statement without a value makes its dict() raise ValueError.
func cloudInitStatements(text string) (bad []string) {
	for _, block := range regexp.MustCompile(`(?s)lease {(.*?)}\n`).FindAllStringSubmatch(text, -1) {
		for _, st := range strings.Split(block[1], ";") {
			st = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(st), `"`, ""), "option ", "")
			if st != "" && len(strings.SplitN(st, " ", 2)) != 2 {
				bad = append(bad, st)
			}
		}
	}
	return bad
}

// TestCloudInitReadsLeases writes leases with the edge values a server can
// send and checks that cloud-init's parser would take every statement.
func TestCloudInitReadsLeases(t *testing.T) {
	cat := testCatalogue(t)
	exp := time.Date(2030, 1, 3, 4, 5, 6, 0, time.UTC)
	opts := dhcp4.Options{
		{Code: 248, Data: []byte{}}, {Code: dhcp4.OptDomainSearch, Data: []byte{}},
		{Code: dhcp4.OptDomainName, Data: []byte{0}}, {Code: dhcp4.OptRouter, Data: []byte{}},
		{Code: 137, Data: []byte{0}}, {Code: dhcp4.OptFQDN, Data: []byte{1, 0, 0}},
		{Code: 63, Data: []byte{1, 1, 'x'}},
	}
	f := &File{Leases: []Entry{{Interface: "eth0", Lease: &statemachine.Lease{
		Addr: netip.MustParseAddr("192.0.2.7"), Options: opts, Renew: exp, Rebind: exp, Expire: exp}}}}
	var buf bytes.Buffer
	if err := write(&buf, f, cat, Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	if bad := cloudInitStatements(buf.String()); len(bad) != 0 {
		t.Errorf("statements without a value: %q in\n%s", bad, buf.String())
	}
	if bad := cloudInitStatements(fqdnBlock); len(bad) != 0 {
		t.Errorf("fqdn block: %q", bad)
	}
}

// TestISCSpacesFile reads the lease file ISC dhclient 4.4.3 wrote for an
// ACK with option 81, a vendor space, zero-length options and text with
// trailing NULs (hooks/testdata/isc-spaces/README.md) and writes it again:
// ISC's text, but for the two lines ISC writes without a value, which
// leased leaves out (see writeOption).
func TestISCSpacesFile(t *testing.T) {
	cat := dhcp4.NewCatalogue()
	for _, d := range []struct {
		name string
		code uint8
		typ  string
	}{{"t251", 251, "text"}, {"t254", 254, "domain-name"}} {
		ty, _ := dhcp4.ParseType(d.typ)
		cat.Define(dhcp4.Def{Name: d.name, Code: d.code, Type: ty})
	}
	ip, _ := dhcp4.ParseType("ip-address")
	if cat.DefineSpace("acme", 1, 1) != nil || cat.SetVendorSpace("acme") != nil ||
		cat.DefineSub(dhcp4.SubDef{Space: "acme", Name: "server", Code: 1, Type: ip}) != nil {
		t.Fatal("acme space")
	}
	text := readText(t, "isc-spaces/dhclient.leases")
	got, _ := rewrite(t, text, cat)
	var want []string
	for _, l := range strings.SplitAfter(text, "\n") {
		if l != "  option t254 ;\n" && l != "  option domain-search ;\n" {
			want = append(want, l)
		}
	}
	if got != strings.Join(want, "") {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, strings.Join(want, ""))
	}
}
