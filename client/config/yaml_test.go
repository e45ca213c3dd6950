package config

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/lease"
)

func loadYAML(t *testing.T, name string) (*Config, []Diagnostic) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return ParseYAML(bytes.NewReader(b), name)
}

func TestYAMLEqualsConf(t *testing.T) {
	for _, pair := range []struct {
		conf, yaml string
		warnings   int
	}{
		{"dhclient.conf", "dhclient.yaml", 0},
		{"scoped.conf", "scoped.yaml", 0},
		{"networkmanager.conf", "networkmanager.yaml", 0},
		{"spaces.conf", "spaces.yaml", 1},
	} {
		t.Run(pair.yaml, func(t *testing.T) {
			cc, ds := loadConf(t, pair.conf)
			noDiags(t, ds, pair.warnings)
			yc, ds := loadYAML(t, pair.yaml)
			noDiags(t, ds, pair.warnings)
			if !reflect.DeepEqual(cc.Global, yc.Global) {
				t.Errorf("global differs:\nconf %+v\nyaml %+v", cc.Global, yc.Global)
			}
			if !reflect.DeepEqual(cc.For("eth1"), yc.For("eth1")) {
				t.Errorf("eth1 differs:\nconf %+v\nyaml %+v", cc.For("eth1"), yc.For("eth1"))
			}
			// A dhclient.conf scope starts from the top level as it stood
			// where it began, which For compares above; YAML scopes have
			// no order.
			cc.inherited = yc.inherited
			if !reflect.DeepEqual(cc, yc) {
				t.Errorf("models differ")
			}
		})
	}
}

func TestScopesOverrideOnlyWhatTheySet(t *testing.T) {
	c, ds := loadConf(t, "scoped.conf")
	noDiags(t, ds, 0)
	eth0, eth1 := c.For("eth0"), c.For("eth1")
	if eth0.Timeout != 30*time.Second || eth1.Timeout != 10*time.Second {
		t.Errorf("timeout: eth0 %v eth1 %v", eth0.Timeout, eth1.Timeout)
	}
	if eth1.ARPCheck != ARPFast || eth1.Retry != 300*time.Second {
		t.Errorf("eth1 lost global or default settings: %+v", eth1)
	}
	if !eth0.SetMTU || eth1.SetMTU || eth1.RouteMetric != 200 || eth0.RouteMetric != 0 {
		t.Errorf("set-mtu/route-metric: eth0 %v/%d eth1 %v/%d", eth0.SetMTU, eth0.RouteMetric, eth1.SetMTU, eth1.RouteMetric)
	}
	if eth1.RouteTable != 100 || eth0.RouteTable != 0 {
		t.Errorf("route-table: eth0 %d eth1 %d, want 0 and 100", eth0.RouteTable, eth1.RouteTable)
	}
	if len(eth1.Request) != 8 || eth1.Request[7] != 42 || len(eth0.Request) != 7 {
		t.Errorf("also request: eth0 %v eth1 %v", eth0.Request, eth1.Request)
	}
	if len(eth1.Send) != 2 || !bytes.Equal(eth1.Send[0].Data, []byte{0, 0, 2, 0x58}) || eth1.Send[1].Expr != ExprHardware {
		t.Errorf("eth1 send: %+v", eth1.Send)
	}
	if len(eth0.Send) != 1 || !bytes.Equal(eth0.Send[0].Data, []byte{0, 0, 0x0e, 0x10}) {
		t.Errorf("eth0 send: %+v", eth0.Send)
	}
	if len(eth1.Reject) != 3 || eth1.Reject[1] != netip.MustParsePrefix("198.51.100.0/24") || len(eth0.Reject) != 2 {
		t.Errorf("reject: eth0 %v eth1 %v", eth0.Reject, eth1.Reject)
	}
	if eth1.HardwareAddr.String() != "02:00:00:00:00:01" || eth0.HardwareAddr != nil {
		t.Errorf("hardware: eth0 %v eth1 %v", eth0.HardwareAddr, eth1.HardwareAddr)
	}
	if !eth1.IsSet("timeout") || eth0.IsSet("script") {
		t.Errorf("IsSet wrong")
	}
}

func TestYAMLStrict(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"unknown key", "timeout: 5\nretyr: 3\n", 2, `unknown key "retyr"`},
		{"unknown key in interface", "interfaces:\n  eth0:\n    timeout: 5\n    bogus: 1\n", 4, `unknown key "bogus"`},
		{"wrong kind", "timeout: soon\n", 1, "cannot unmarshal"},
		{"bad value", "supersede:\n  routers: not-an-address\n", 2, "routers"},
		{"unknown option", "send:\n  no-such-option: 1\n", 2, "no option named no-such-option"},
		{"syntax", "timeout: [\n", 1, "did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := ParseYAML(strings.NewReader(tt.text), "c.yaml")
			if !HasErrors(ds) {
				t.Fatalf("no error")
			}
			t.Log(ds[0].Render())
			if ds[0].Line != tt.line || !strings.Contains(ds[0].Message, tt.msg) {
				t.Errorf("got %q at line %d, want %q at line %d", ds[0].Message, ds[0].Line, tt.msg, tt.line)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	c, ds, err := Load(filepath.Join(dir, "missing.conf"))
	if err != nil || len(ds) != 0 || !reflect.DeepEqual(c, New()) {
		t.Errorf("missing file: %v %v", ds, err)
	}
	inc := filepath.Join(dir, "inc.conf")
	os.WriteFile(inc, []byte("retry 42;\nbogus 1;\n"), 0o644)
	main := filepath.Join(dir, "main.conf")
	os.WriteFile(main, []byte("timeout 7;\ninclude \""+inc+"\";\nreboot 3;\n"), 0o644)
	c, ds, err = Load(main)
	if err != nil || c.Global.Retry != 42*time.Second || c.Global.Timeout != 7*time.Second || c.Global.Reboot != 3*time.Second {
		t.Errorf("include: %+v %v", c.Global, err)
	}
	if len(ds) != 2 || ds[0].File != inc || ds[0].Line != 2 {
		t.Errorf("include diagnostics: %v", ds)
	}
	self := filepath.Join(dir, "self.conf")
	os.WriteFile(self, []byte("include \""+self+"\";\n"), 0o644)
	if _, ds, _ = Load(self); !HasErrors(ds) || !strings.Contains(ds[len(ds)-1].Message, "include cycle") {
		t.Errorf("self include: %v", ds)
	}
	y := filepath.Join(dir, "c.yml")
	os.WriteFile(y, []byte("timeout: 9\n"), 0o644)
	if c, _, _ = Load(y); c.Global.Timeout != 9*time.Second {
		t.Errorf("yaml by extension: %v", c.Global.Timeout)
	}
}

func TestIgnoredStatementsWarn(t *testing.T) {
	text := `media "a", "b";
pseudo "p" "eth0" { timeout 3; }
omapi port 7911;
key k { algorithm hmac-md5; secret "x"; };
zone example. { primary 127.0.0.1; }
do-forward-updates off;
if exists host-name { supersede host-name "x"; } else { }
on commit { set x = 1; }
vendor option space "v";
require authentication;
frob;
timeout 4;
`
	c, ds := Parse(strings.NewReader(text), "w.conf")
	if HasErrors(ds) {
		for _, d := range ds {
			t.Log(d.Render())
		}
		t.Fatal("ignored statements gave errors")
	}
	if len(ds) != 11 {
		t.Errorf("got %d warnings, want 11: %v", len(ds), ds)
	}
	if c.Global.Timeout != 4*time.Second {
		t.Errorf("statement after the ignored ones lost: %v", c.Global.Timeout)
	}
}

// TestYAMLAnchorsAndMerges: interfaces may share settings through an
// anchor and merge keys; their own keys win over the merged ones.
func TestYAMLAnchorsAndMerges(t *testing.T) {
	text := `timeout: &t 20
common: &common
  retry: 40
  route-metric: 5
interfaces:
  eth0:
    <<: *common
    route-metric: 7
  eth1: *common
  eth2:
    reboot: *t
`
	c, ds := ParseYAML(strings.NewReader(text), "c.yaml")
	// common is not a key of leased's: the anchor's holder is an error,
	// what refers to it is not.
	if len(ds) != 1 || ds[0].Line != 2 || !strings.Contains(ds[0].Message, `unknown key "common"`) {
		t.Fatalf("diagnostics %v, want only the unknown key common", ds)
	}
	eth0, eth1, eth2 := c.For("eth0"), c.For("eth1"), c.For("eth2")
	if eth0.Retry != 40*time.Second || eth0.RouteMetric != 7 || eth1.Retry != 40*time.Second || eth1.RouteMetric != 5 {
		t.Errorf("merged: eth0 %v/%d eth1 %v/%d, want 40s/7 and 40s/5", eth0.Retry, eth0.RouteMetric, eth1.Retry, eth1.RouteMetric)
	}
	if eth2.Reboot != 20*time.Second || eth2.Timeout != 20*time.Second {
		t.Errorf("alias of a scalar: reboot %v timeout %v, want 20s", eth2.Reboot, eth2.Timeout)
	}
}

// TestYAMLMergeBomb: merge keys that refer to each other many times over
// are cut off with an error instead of walking an exponential tree.
func TestYAMLMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("interfaces:\n  a0: &a0 {retry: 1}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d {<<: [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]}\n")
	}
	_, ds := ParseYAML(strings.NewReader(b.String()), "bomb.yaml")
	if !HasErrors(ds) || !strings.Contains(ds[len(ds)-1].Message, "merge keys bring in more than") {
		t.Errorf("diagnostics %v, want the merge limit", ds)
	}
}

// lease-id-format is remembered as stated, octal too, in both syntaxes:
// ISC logs its value whenever the statement is there.
func TestLeaseIDFormatStated(t *testing.T) {
	for _, tt := range []struct {
		name, text string
		yaml       bool
		want       lease.IDFormat
		stated     bool
	}{
		{"conf absent", "", false, lease.IDOctal, false},
		{"conf octal", "lease-id-format octal;\n", false, lease.IDOctal, true},
		{"conf hex", "lease-id-format hex;\n", false, lease.IDHex, true},
		{"conf invalid", "lease-id-format dec;\n", false, lease.IDOctal, false},
		{"yaml absent", "request: [routers]\n", true, lease.IDOctal, false},
		{"yaml octal", "lease-id-format: octal\n", true, lease.IDOctal, true},
		{"yaml hex", "lease-id-format: hex\n", true, lease.IDHex, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parse := Parse
			if tt.yaml {
				parse = ParseYAML
			}
			c, _ := parse(strings.NewReader(tt.text), "test")
			if c.LeaseIDFormat != tt.want || c.LeaseIDFormatStated != tt.stated {
				t.Errorf("lease-id-format %v, stated %v; want %v, %v", c.LeaseIDFormat, c.LeaseIDFormatStated, tt.want, tt.stated)
			}
		})
	}
}
