package config

import (
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
)

// ipv4ll, ipv4ll-retry and forcerenew read the same from dhclient.conf
// and YAML, globally and per interface, with their defaults otherwise.
func TestIPv4LLAndForceRenewSettings(t *testing.T) {
	conf := "ipv4ll on;\nipv4ll-retry 20;\nipv4ll-route on;\ninterface \"eth1\" {\n forcerenew on;\n ipv4ll-retry 7;\n}\n"
	yml := "ipv4ll: true\nipv4ll-retry: 20\nipv4ll-route: true\ninterfaces:\n  eth1:\n    forcerenew: true\n    ipv4ll-retry: 7\n"
	cc, ds := Parse(strings.NewReader(conf), "test.conf")
	noDiags(t, ds, 0)
	yc, ds := ParseYAML(strings.NewReader(yml), "test.yaml")
	noDiags(t, ds, 0)
	for name, c := range map[string]*Config{"conf": cc, "yaml": yc} {
		eth0, eth1 := c.For("eth0"), c.For("eth1")
		if !eth0.IPv4LL || eth0.IPv4LLRetry != 20*time.Second || eth0.ForceRenew || !eth0.IPv4LLRoute {
			t.Errorf("%s eth0: ipv4ll %v retry %v forcerenew %v", name, eth0.IPv4LL, eth0.IPv4LLRetry, eth0.ForceRenew)
		}
		if !eth1.IPv4LL || eth1.IPv4LLRetry != 7*time.Second || !eth1.ForceRenew {
			t.Errorf("%s eth1: ipv4ll %v retry %v forcerenew %v", name, eth1.IPv4LL, eth1.IPv4LLRetry, eth1.ForceRenew)
		}
	}
	d := Defaults()
	if d.IPv4LL || d.ForceRenew || d.IPv4LLRoute || d.IPv4LLRetry != statemachine.DefaultIPv4LLRetry {
		t.Errorf("defaults: ipv4ll %v forcerenew %v retry %v", d.IPv4LL, d.ForceRenew, d.IPv4LLRetry)
	}
	if _, ds := Parse(strings.NewReader("forcerenew maybe;\n"), "bad.conf"); len(ds) == 0 {
		t.Errorf("forcerenew maybe: no diagnostic")
	}
}
