package config

import (
	"bytes"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// sendData returns the data of send option code in s.
func sendData(s Settings, code uint8) ([]byte, bool) {
	for _, o := range s.Send {
		if o.Code == code {
			return o.Data, true
		}
	}
	return nil, false
}

// TestNetworkManagerFQDN reads the fqdn lines NetworkManager writes: no
// diagnostics, option 81 built as ISC builds it, and fqdn.fqdn kept out
// of the parameter request list as ISC keeps it out.
func TestNetworkManagerFQDN(t *testing.T) {
	c, ds := loadConf(t, "networkmanager.conf")
	noDiags(t, ds, 0)
	s := c.For("eth0")
	want := []byte("\x05\x00\x00\x06myhost\x07example\x03com\x00")
	if got, ok := sendData(s, dhcp4.OptFQDN); !ok || !bytes.Equal(got, want) {
		t.Errorf("option 81 = % x, want % x", got, want)
	}
	var order []uint8
	for _, o := range s.Send {
		order = append(order, o.Code)
	}
	if !slices.Equal(order, []uint8{dhcp4.OptHostName, dhcp4.OptFQDN}) {
		t.Errorf("send order %v, want host-name then fqdn as ISC", order)
	}
	prl := append(Defaults().Request, 121, 249, 33, 252, 42, 17)
	if !slices.Equal(s.Request, prl) {
		t.Errorf("PRL %v, want %v", s.Request, prl)
	}
}

func TestSpacesConf(t *testing.T) {
	c, ds := loadConf(t, "spaces.conf")
	if len(ds) != 1 || ds[0].Warning != true || !strings.Contains(ds[0].Message, "agent.circuit-id ignored") {
		t.Fatalf("diagnostics %v, want one warning about agent.circuit-id", ds)
	}
	if c.Catalogue.VendorSpace() != "acme" {
		t.Errorf("vendor space %q", c.Catalogue.VendorSpace())
	}
	if d, ok := c.Catalogue.SubByName("site", "flag"); !ok || d.Code != 300 || !d.Type.Zerolen() {
		t.Errorf("site.flag = %+v, %v", d, ok)
	}
	if got := c.For("eth0").Request; !slices.Equal(got, []uint8{1, 3, 43, 224}) {
		t.Errorf("PRL %v", got)
	}
	tests := []struct {
		iface string
		code  uint8
		want  []byte
	}{
		{"eth0", 224, []byte{0, 1, 0, 5, 'l', 'a', 'b', '-', '7', 1, 44, 0, 0}},
		{"eth1", 224, []byte{0, 1, 0, 5, 'l', 'a', 'b', '-', '8', 1, 44, 0, 0}},
		{"eth1", dhcp4.OptFQDN, []byte("\x00\x00\x00eth1.example.com")},
	}
	for _, tt := range tests {
		if got, ok := sendData(c.For(tt.iface), tt.code); !ok || !bytes.Equal(got, tt.want) {
			t.Errorf("%s option %d = % x, want % x", tt.iface, tt.code, got, tt.want)
		}
	}
	for _, code := range []uint8{43, 82} {
		if got, ok := sendData(c.For("eth1"), code); ok {
			t.Errorf("option %d sent: % x", code, got)
		}
	}
}

// TestWholeOptionWins checks that a send statement for option 81 itself
// wins over the fqdn sub-options, in whichever scope, as in ISC.
func TestWholeOptionWins(t *testing.T) {
	c, ds := Parse(strings.NewReader(`send fqdn 1:2:3;
interface "eth0" { send fqdn.fqdn "x"; send fqdn.encoded on; }
`), "t.conf")
	noDiags(t, ds, 0)
	if got, _ := sendData(c.For("eth0"), dhcp4.OptFQDN); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Errorf("option 81 = % x, want 01 02 03", got)
	}
}

func TestSpaceStatementDiagnostics(t *testing.T) {
	tests := []struct {
		text, msg string
		warning   bool
	}{
		{"send nope.x 1;", "no option space named nope.", false},
		{"send fqdn.nope 1;", "no option named nope in space fqdn", false},
		{"also request nope.x;", "no option space named nope.", false},
		{"request fqdn.nope;", "no option named nope in space fqdn", false},
		{"send fqdn.rcode1 300;", "fqdn.rcode1", false},
		{"option space fqdn;", "built in", false},
		{"option space s code width 3;", "invalid code width (3)", false},
		{"option space s length width 4;", "invalid length width (4)", false},
		{"option space s code size 2;", "expecting width token.", false},
		{"option space s bogus;", "Unexpected token.", false},
		{"option nope.x code 1 = text;", "no option space named nope.", false},
		{"option fqdn.x code 300 = text;", "does not fit space fqdn", false},
		{"option x code 224 = encapsulate nope;", "unknown option space nope", false},
		{`interface "e" { option space s; }`, "may not be scoped.", false},
		{"vendor option space nope;", "vendor option space nope not found.", true},
		{"vendor space x;", "expecting 'vendor option space'", false},
		{"supersede fqdn.fqdn \"x\";", "supersede fqdn.fqdn ignored", true},
		{"send fqdn.fqdn = concat(gethostname();", "expecting , in concat.", false},
		{"send dhcp6.client-id 1:2;", "DHCPv6 option dhcp6.client-id ignored.", true},
	}
	for _, tt := range tests {
		_, ds := Parse(strings.NewReader(tt.text), "t.conf")
		if len(ds) != 1 || !strings.Contains(ds[0].Message, tt.msg) || ds[0].Warning != tt.warning {
			t.Errorf("%s: got %v; want one diagnostic %q (warning %v)", tt.text, ds, tt.msg, tt.warning)
		}
	}
}

// TestSpaceStatementsAccepted lists statements that parse without a word.
func TestSpaceStatementsAccepted(t *testing.T) {
	text := `option space s code width 4 length width 1 hash size 17;
option s.a code 70000 = { unsigned integer 8, ip-address };
option space t;
option t.b code 1 = encapsulate s;
option t-carrier code 225 = encapsulate t;
vendor-option-space t;
also request fqdn.fqdn, dhcp6.name-servers, dhcp.routers, s.a;
send s.a 7 10.0.0.1;
send fqdn.no-client-update on;
send nwip.nsq-broadcast true;
send vendor-class.isc "x";
`
	c, ds := Parse(strings.NewReader(text), "t.conf")
	noDiags(t, ds, 0)
	s := c.For("eth0")
	wantT := []byte{1, 10, 0, 1, 0x11, 0x70, 5, 7, 10, 0, 0, 1} // t.b carries s.a
	if got, _ := sendData(s, 225); !bytes.Equal(got, wantT) {
		t.Errorf("option 225 = % x, want % x", got, wantT)
	}
	if got, _ := sendData(s, dhcp4.OptFQDN); !bytes.Equal(got, []byte{2, 0, 0}) {
		t.Errorf("option 81 = % x", got)
	}
	if got, _ := sendData(s, 63); !bytes.Equal(got, []byte{5, 1, 1}) {
		t.Errorf("option 63 = % x", got)
	}
	if got, _ := sendData(s, 124); !bytes.Equal(got, []byte{0, 0, 9, 0xbf, 1, 'x'}) {
		t.Errorf("option 124 = % x", got)
	}
	if !slices.Equal(s.Request, append(Defaults().Request, 3)) {
		t.Errorf("PRL %v", s.Request)
	}
	if c.Catalogue.VendorSpace() != "t" {
		t.Errorf("vendor-option-space: %q", c.Catalogue.VendorSpace())
	}
}

func TestYAMLSpaceErrors(t *testing.T) {
	tests := []struct {
		text, msg string
		warning   bool
	}{
		{"send: {nope.x: 1}\n", "no option space named nope.", false},
		{"send: {fqdn.nope: 1}\n", "no option named nope in space fqdn", false},
		{"request: [fqdn.nope]\n", "no option named nope in space fqdn", false},
		{"supersede: {fqdn.fqdn: x}\n", "supersede fqdn.fqdn ignored", true},
		{"option-spaces: {fqdn: {}}\n", "built in", false},
		{"option-spaces: {s: {code-width: 3}}\n", "invalid code width (3)", false},
		{"options: {nope.x: {code: 1, type: text}}\n", "no option space named nope", false},
		{"options: {x: {code: 300, type: text}}\n", "bad definition", false},
		{"options: {x: {code: 224, type: encapsulate nope}}\n", "bad definition", false},
		{"vendor-option-space: nope\n", "vendor option space nope not found.", false},
	}
	for _, tt := range tests {
		_, ds := ParseYAML(strings.NewReader(tt.text), "t.yaml")
		if len(ds) != 1 || !strings.Contains(ds[0].Message, tt.msg) || ds[0].Warning != tt.warning {
			t.Errorf("%q: got %v; want one diagnostic %q (warning %v)", tt.text, ds, tt.msg, tt.warning)
		}
	}
}

// TestRequestFQDN: the DHCP option fqdn goes into the parameter request
// list; its space's options do not (ISC make_client_options keeps only
// DHCP options).
func TestRequestFQDN(t *testing.T) {
	c, ds := Parse(strings.NewReader("request subnet-mask, fqdn.fqdn, fqdn;\n"), "t.conf")
	noDiags(t, ds, 0)
	if got := c.For("eth0").Request; !slices.Equal(got, []uint8{1, dhcp4.OptFQDN}) {
		t.Errorf("PRL %v, want [1 81]", got)
	}
}

// TestSendSubExpressions: send statements for options of other spaces take
// the expressions of those for DHCP options (`send fqdn.fqdn =
// gethostname();`, common where the DHCP server updates DNS), evaluated
// for the interface's host: each gives the option 81 the same statement
// with the expression's value written out gives, and a part without a
// value leaves the sub-option out. The interface's statement wins over
// the top level's.
func TestSendSubExpressions(t *testing.T) {
	const flags = "send fqdn.server-update on;\n"
	fqdn := func(conf, iface string, h Host) []byte {
		t.Helper()
		c, ds := Parse(strings.NewReader(conf), "fqdn.conf")
		noDiags(t, ds, 0)
		for _, o := range c.ForHost(iface, h).Send {
			if o.Code == dhcp4.OptFQDN {
				return o.Data
			}
		}
		return nil
	}
	named := Host{Name: "node7", HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 7}}
	for _, tc := range []struct {
		expr, value string
		host        Host
	}{
		{`= gethostname()`, `"node7"`, named},
		{`= pick-first-value(gethostname(), "ISC-dhclient")`, `"node7"`, named},
		{`= pick-first-value(gethostname(), "ISC-dhclient")`, `"ISC-dhclient"`, Host{}},
		{`= concat(gethostname(), ".example.")`, `"node7.example."`, named},
		{`= concat(gethostname(), ".example.")`, "", Host{}},
		{`= "web1"`, `"web1"`, Host{}},
		{`= ucase("web1")`, `"WEB1"`, Host{}},
	} {
		want := fqdn(flags, "eth0", Host{})
		if tc.value != "" {
			want = fqdn(flags+"send fqdn.fqdn "+tc.value+";\n", "eth0", Host{})
		}
		got := fqdn(flags+"send fqdn.fqdn "+tc.expr+";\n", "eth0", tc.host)
		if want == nil || !bytes.Equal(got, want) {
			t.Errorf("send fqdn.fqdn %s for %q: option 81 % x, want % x", tc.expr, tc.host.Name, got, want)
		}
	}
	scoped := flags + "send fqdn.fqdn = gethostname();\ninterface \"eth1\" { send fqdn.fqdn \"fixed\"; }\n"
	if got, want := fqdn(scoped, "eth1", named), fqdn(flags+"send fqdn.fqdn \"fixed\";\n", "eth1", Host{}); !bytes.Equal(got, want) {
		t.Errorf("eth1: option 81 % x, want the interface's % x", got, want)
	}
	if got, want := fqdn(scoped, "eth0", named), fqdn(flags+"send fqdn.fqdn \"node7\";\n", "eth0", Host{}); !bytes.Equal(got, want) {
		t.Errorf("eth0: option 81 % x, want the top level's % x", got, want)
	}
	y, ds := ParseYAML(strings.NewReader("send:\n  fqdn.fqdn: gethostname()\n  fqdn.server-update: true\n"), "fqdn.yaml")
	noDiags(t, ds, 0)
	got, _ := sendData(y.ForHost("eth0", named), dhcp4.OptFQDN)
	if want := fqdn(flags+"send fqdn.fqdn \"node7\";\n", "eth0", Host{}); !bytes.Equal(got, want) {
		t.Errorf("YAML fqdn.fqdn: gethostname(): option 81 % x, want % x", got, want)
	}
}
