package client

import (
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine/dhcp4"
)

// TestMachineConfigModern: captive-portal (on by default) adds option
// 114 to the request list, ipv6-only-preferred option 108, each once;
// rapid-commit, anonymity and inform reach the machine.
func TestMachineConfigModern(t *testing.T) {
	hw := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	s := config.Defaults()
	c := MachineConfig("eth0", s, Identity{HWAddr: hw})
	if want := append(slices.Clone(s.Request), dhcp4.OptCaptivePortal); !slices.Equal(c.PRL, want) {
		t.Errorf("default PRL %v, want %v", c.PRL, want)
	}
	if c.RapidCommit || c.Anonymity || c.Inform.IsValid() {
		t.Errorf("defaults: rapid %v anonymity %v inform %v", c.RapidCommit, c.Anonymity, c.Inform)
	}

	s.Request = []uint8{1, 3, dhcp4.OptCaptivePortal}
	s.IPv6OnlyPreferred, s.RapidCommit, s.Anonymity = true, true, true
	s.Inform = netip.MustParseAddr("192.0.2.10")
	c = MachineConfig("eth0", s, Identity{HWAddr: hw})
	if want := []uint8{1, 3, dhcp4.OptCaptivePortal, dhcp4.OptV6OnlyPreferred}; !slices.Equal(c.PRL, want) {
		t.Errorf("PRL %v, want %v", c.PRL, want)
	}
	if !c.RapidCommit || !c.Anonymity || c.Inform != s.Inform {
		t.Errorf("rapid %v anonymity %v inform %v", c.RapidCommit, c.Anonymity, c.Inform)
	}

	s.CaptivePortal, s.IPv6OnlyPreferred = false, false
	s.Request = []uint8{1, 3}
	if c = MachineConfig("eth0", s, Identity{HWAddr: hw}); !slices.Equal(c.PRL, []uint8{1, 3}) {
		t.Errorf("captive-portal off: PRL %v, want [1 3]", c.PRL)
	}
}
