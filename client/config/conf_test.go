package config

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

func loadConf(t *testing.T, name string) (*Config, []Diagnostic) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(bytes.NewReader(b), name)
}

// TestBadConfMatchesISC checks that bad.conf gives exactly the errors ISC
// printed for it, rendered the same way.
func TestBadConfMatchesISC(t *testing.T) {
	c, ds := loadConf(t, "bad.conf")
	log, err := os.ReadFile("testdata/12-config-parse-error.log")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	lines := strings.Split(string(log), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "bad.conf line ") {
			want = append(want, strings.Join(lines[i:i+3], "\n")+"\n")
		}
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Render())
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, ""), strings.Join(want, ""))
	}
	if c.Global.Timeout != 5*time.Second {
		t.Errorf("timeout: got %v, want 5s", c.Global.Timeout)
	}
	if c.Global.IsSet("request") {
		t.Errorf("request was set; ISC swallowed it: %v", c.Global.Request)
	}
}

func codes(t *testing.T, c *Config, names ...string) []uint8 {
	t.Helper()
	var out []uint8
	for _, n := range names {
		d, ok := c.Catalogue.ByName(n)
		if !ok {
			t.Fatalf("no option %s", n)
		}
		out = append(out, d.Code)
	}
	return out
}

func noDiags(t *testing.T, ds []Diagnostic, warnings int) {
	t.Helper()
	w := 0
	for _, d := range ds {
		if !d.Warning {
			t.Errorf("unexpected error: %s", d.Render())
		} else {
			w++
		}
	}
	if w != warnings {
		t.Errorf("got %d warnings, want %d: %v", w, warnings, ds)
	}
}

func TestHarnessDhclientConf(t *testing.T) {
	c, ds := loadConf(t, "dhclient.conf")
	noDiags(t, ds, 0)
	for name, typ := range map[string]string{
		"rfc3442-classless-static-routes": "array of unsigned integer 8",
		"xgrid-controller":                "ip-address",
		"isc-long-text":                   "text",
		"isc-u16-array":                   "array of unsigned integer 16",
		"isc-record":                      "{ boolean, signed integer 32, ip-address, text }",
	} {
		d, ok := c.Catalogue.ByName(name)
		if !ok || d.Type.String() != typ {
			t.Errorf("definition %s: got %+v (%v)", name, d, d.Type)
		}
	}
	g := c.Global
	// Reference §2.5: the v4 PRL on the wire, then the also request.
	want := []uint8{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42, 250, 251}
	if !g.IsSet("request") || !slices.Equal(g.Request, want) {
		t.Errorf("request: got %v, want %v", g.Request, want)
	}
	if len(g.Send) != 1 || !reflect.DeepEqual(g.Send[0], SendOption{Code: 12, Expr: ExprHostname}) {
		t.Errorf("send: got %+v", g.Send)
	}
	if d := modifier(g, statemachine.Supersede, dhcp4.OptDomainName); string(d) != "superseded.test" {
		t.Errorf("supersede domain-name: got %q", d)
	}
	if d := modifier(g, statemachine.Prepend, dhcp4.OptDNS); !slices.Equal(d, netip.MustParseAddr("127.0.0.53").AsSlice()) {
		t.Errorf("prepend domain-name-servers: got %v", d)
	}
}

// modifier is the value of the last modifier of s of that kind for code,
// nil for none.
func modifier(s Settings, kind statemachine.ModifierKind, code uint8) []byte {
	var d []byte
	for _, m := range s.Modifiers {
		if m.Kind == kind && m.Code == code {
			d = m.Data
		}
	}
	return d
}

func TestDebianDefaultConf(t *testing.T) {
	c, ds := loadConf(t, "debian-default.conf")
	noDiags(t, ds, 0)
	want := []uint8{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42} // reference §2.5
	if !slices.Equal(c.Global.Request, want) {
		t.Errorf("request: got %v, want %v", c.Global.Request, want)
	}
	if len(c.Global.Send) != 1 || c.Global.Send[0].Expr != ExprHostname {
		t.Errorf("send: got %+v", c.Global.Send)
	}
	if c.Global.Timeout != 60*time.Second || c.Global.InitialInterval != 3*time.Second {
		t.Errorf("defaults changed: %+v", c.Global)
	}
}

func TestHarnessAliasConf(t *testing.T) {
	c, ds := loadConf(t, "dhclient-alias.conf")
	noDiags(t, ds, 1) // media
	if c.Global.Timeout != 3*time.Second {
		t.Errorf("timeout: got %v", c.Global.Timeout)
	}
	if len(c.Aliases) != 1 || c.Aliases[0].Interface != "isc-xveth-c" ||
		c.Aliases[0].Lease.Addr != netip.MustParseAddr("192.0.2.5") {
		t.Fatalf("aliases: got %+v", c.Aliases)
	}
	if m, _ := c.Aliases[0].Lease.Options.Get(dhcp4.OptSubnetMask); !bytes.Equal(m, []byte{255, 255, 255, 255}) {
		t.Errorf("alias mask: got %v", m)
	}
	if len(c.Fallback) != 1 {
		t.Fatalf("fallback: got %+v", c.Fallback)
	}
	l := c.Fallback[0].Lease
	if !l.Fallback || l.Addr != netip.MustParseAddr("192.0.2.77") ||
		!l.Expire.Equal(time.Date(2037, 1, 1, 0, 0, 1, 0, time.UTC)) {
		t.Errorf("fallback lease: got %+v", l)
	}
	if r := l.Options.Addrs(dhcp4.OptRouter); len(r) != 1 || r[0] != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("fallback routers: got %v", r)
	}
}

func TestHarnessOtherConfs(t *testing.T) {
	tests := []struct {
		file     string
		warnings int
		request  []string
		check    func(t *testing.T, c *Config)
	}{
		{"dhclient-local.conf", 0, []string{"subnet-mask", "broadcast-address", "routers", "domain-name", "host-name",
			"root-path", "nis-domain", "netbios-scope", "static-routes", "vendor-class-identifier",
			"vendor-encapsulated-options", "isc-long-text"}, func(t *testing.T, c *Config) {
			if f := c.LeaseFormat(); f.Time != 1 || f.ID != 1 {
				t.Errorf("lease format: got %+v, want local and hex", f)
			}
		}},
		{"dhclient-omapi.conf", 1, []string{"subnet-mask", "broadcast-address", "routers", "domain-name", "host-name",
			"root-path", "nis-domain", "netbios-scope", "static-routes", "vendor-class-identifier",
			"vendor-encapsulated-options", "isc-long-text"}, nil},
		{"dhclient-timing-default.conf", 0, []string{"subnet-mask", "broadcast-address", "routers", "domain-name-servers"},
			func(t *testing.T, c *Config) {
				request := Settings{Request: c.Global.Request}
				request.set.add(mustLookup(t, "request"))
				if want := overlay(Defaults(), request); !reflect.DeepEqual(c.Global, want) {
					t.Errorf("timings differ from the defaults: %+v", c.Global)
				}
			}},
		{"dhclient-timing-tuned.conf", 0, []string{"subnet-mask", "broadcast-address", "routers", "domain-name-servers"},
			func(t *testing.T, c *Config) {
				g := c.Global
				if g.InitialInterval != time.Second || g.BackoffCutoff != 4*time.Second ||
					g.Timeout != 12*time.Second || g.Retry != 10*time.Second || g.Reboot != 10*time.Second {
					t.Errorf("timings: got %+v", g)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, ds := loadConf(t, tt.file)
			noDiags(t, ds, tt.warnings)
			if want := codes(t, c, tt.request...); !slices.Equal(c.Global.Request, want) {
				t.Errorf("request: got %v, want %v", c.Global.Request, want)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// mustLookup returns the table row of a statement.
func mustLookup(t *testing.T, name string) int {
	t.Helper()
	i, ok := lookup(name)
	if !ok {
		t.Fatalf("no row %q in the table", name)
	}
	return i
}
