package client

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine/dhcp4"
)

// forcerenew sends option 145 listing HMAC-MD5 (RFC 6704 §3.3) and turns
// the machine's check on; ipv4ll and its retry reach the machine.
func TestMachineConfigForceRenewAndIPv4LL(t *testing.T) {
	s := config.Defaults()
	id := Identity{HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}}
	if c := MachineConfig("eth0", s, id); c.ForceRenew || c.IPv4LL || c.Send.Has(dhcp4.OptForceRenewNonce) {
		t.Errorf("defaults: forcerenew %v ipv4ll %v option 145 %v", c.ForceRenew, c.IPv4LL, c.Send.Has(dhcp4.OptForceRenewNonce))
	}
	s.ForceRenew, s.IPv4LL, s.IPv4LLRetry = true, true, 42*time.Second
	c := MachineConfig("eth0", s, id)
	if v, _ := c.Send.Get(dhcp4.OptForceRenewNonce); !c.ForceRenew || !bytes.Equal(v, []byte{1}) {
		t.Errorf("forcerenew on: machine %v, option 145 %x", c.ForceRenew, v)
	}
	if !c.IPv4LL || c.IPv4LLRetry != 42*time.Second {
		t.Errorf("ipv4ll: %v every %v", c.IPv4LL, c.IPv4LLRetry)
	}
}
