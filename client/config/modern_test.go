package config

import (
	"net/netip"
	"strings"
	"testing"
)

// TestModernSettings reads the issue 16 settings from dhclient.conf and
// YAML, globally and per interface, with their defaults.
func TestModernSettings(t *testing.T) {
	conf := `rapid-commit on;
anonymity true;
interface "eth1" {
  inform 192.0.2.10;
  ipv6-only-preferred on;
  captive-portal off;
  rapid-commit off;
}
`
	yml := `rapid-commit: true
anonymity: true
interfaces:
  eth1:
    inform: 192.0.2.10
    ipv6-only-preferred: true
    captive-portal: false
    rapid-commit: false
`
	for name, parse := range map[string]func() (*Config, []Diagnostic){
		"conf": func() (*Config, []Diagnostic) { return Parse(strings.NewReader(conf), "dhclient.conf") },
		"yaml": func() (*Config, []Diagnostic) { return ParseYAML(strings.NewReader(yml), "leased.yaml") },
	} {
		t.Run(name, func(t *testing.T) {
			c, diags := parse()
			if len(diags) != 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			eth0, eth1 := c.For("eth0"), c.For("eth1")
			if !eth0.RapidCommit || !eth0.Anonymity || eth0.IPv6OnlyPreferred || !eth0.CaptivePortal || eth0.Inform.IsValid() {
				t.Errorf("eth0: rapid %v anonymity %v v6only %v portal %v inform %v, want true true false true unset",
					eth0.RapidCommit, eth0.Anonymity, eth0.IPv6OnlyPreferred, eth0.CaptivePortal, eth0.Inform)
			}
			if eth1.RapidCommit || !eth1.Anonymity || !eth1.IPv6OnlyPreferred || eth1.CaptivePortal || eth1.Inform != netip.MustParseAddr("192.0.2.10") {
				t.Errorf("eth1: rapid %v anonymity %v v6only %v portal %v inform %v, want false true true false 192.0.2.10",
					eth1.RapidCommit, eth1.Anonymity, eth1.IPv6OnlyPreferred, eth1.CaptivePortal, eth1.Inform)
			}
		})
	}
	d := Defaults()
	if d.RapidCommit || d.Anonymity || d.IPv6OnlyPreferred || !d.CaptivePortal || d.Inform.IsValid() {
		t.Errorf("defaults: rapid %v anonymity %v v6only %v portal %v inform %v", d.RapidCommit, d.Anonymity, d.IPv6OnlyPreferred, d.CaptivePortal, d.Inform)
	}
}

// TestInformBadAddress reports a bad inform address with its file and
// line and keeps the rest of the file.
func TestInformBadAddress(t *testing.T) {
	for _, bad := range []string{"255.255.255.255", "0.0.0.0", "224.0.0.1", "2001:db8::1", "host.example"} {
		c, diags := Parse(strings.NewReader("timeout 7;\ninform "+bad+";\nretry 9;\n"), "dhclient.conf")
		if len(diags) != 1 || diags[0].Line != 2 || diags[0].File != "dhclient.conf" {
			t.Errorf("inform %s: diagnostics %v, want one at dhclient.conf line 2", bad, diags)
			continue
		}
		if s := c.For("eth0"); s.Inform.IsValid() || s.Timeout.Seconds() != 7 || s.Retry.Seconds() != 9 {
			t.Errorf("inform %s: inform %v timeout %v retry %v", bad, s.Inform, s.Timeout, s.Retry)
		}
	}
	_, diags := ParseYAML(strings.NewReader("inform: 10.0.0.256\n"), "leased.yaml")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "inform") {
		t.Errorf("YAML: diagnostics %v, want one about inform", diags)
	}
}
