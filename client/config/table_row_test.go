package config_test

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
)

// TestOneRowDeclaresASetting adds a throwaway row to the table and sees
// its statement read from dhclient.conf and YAML, merged interface over
// global, defaulted, and carried into the state machine's configuration
// by the daemon's own path (Config.For, client.MachineConfig). The row
// fills InitialDelay, a field the machine already uses: a new setting
// is its row plus that use.
func TestOneRowDeclaresASetting(t *testing.T) {
	const conf = "first-packet-delay 5;\ninterface \"eth1\" { first-packet-delay 7; }\n"
	const yml = "first-packet-delay: 5\ninterfaces:\n  eth1: {first-packet-delay: 7}\n"
	hw := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	delay := func(c *config.Config, iface string) time.Duration {
		return client.MachineConfig(iface, c.For(iface), client.Identity{HWAddr: hw}).InitialDelay
	}

	// Without the row the statement is not one (ISC reads a name and
	// a number as an executable statement missing its ';').
	if _, ds := config.Parse(strings.NewReader(conf), "c.conf"); !config.HasErrors(ds) {
		t.Fatalf("before the row, dhclient.conf diagnostics %v, want errors", ds)
	}
	if _, ds := config.ParseYAML(strings.NewReader(yml), "c.yaml"); !config.HasErrors(ds) || !strings.Contains(ds[0].Message, `unknown key "first-packet-delay"`) {
		t.Fatalf("before the row, YAML diagnostics %v, want an unknown key", ds)
	}

	config.AddSecondsRow(t, "first-packet-delay", 2*time.Second, func(s *config.Settings) *time.Duration { return &s.InitialDelay })

	if got := delay(config.New(), "eth0"); got != 2*time.Second {
		t.Errorf("default reaching the machine: %v, want the row's 2s", got)
	}
	type parser func(r io.Reader, name string) (*config.Config, []config.Diagnostic)
	for _, parsed := range []struct {
		syntax, text string
		parse        parser
	}{
		{"dhclient.conf", conf, config.Parse},
		{"YAML", yml, config.ParseYAML},
	} {
		c, ds := parsed.parse(strings.NewReader(parsed.text), "c."+parsed.syntax)
		if len(ds) != 0 {
			t.Errorf("%s: diagnostics %v", parsed.syntax, ds)
		}
		if g, i := delay(c, "eth0"), delay(c, "eth1"); g != 5*time.Second || i != 7*time.Second {
			t.Errorf("%s: machine's delay eth0 %v eth1 %v, want the global 5s and eth1's 7s", parsed.syntax, g, i)
		}
		if s := c.For("eth0"); !s.IsSet("first-packet-delay") {
			t.Errorf("%s: the row is not marked as set", parsed.syntax)
		}
	}
	_, ds := config.Parse(strings.NewReader("first-packet-delay soon;\n"), "c.conf")
	if len(ds) != 1 || ds[0].Line != 1 || ds[0].Message != "Expecting numeric lease time" {
		t.Errorf("bad value: %v, want the seconds kind's error on line 1", ds)
	}
}
