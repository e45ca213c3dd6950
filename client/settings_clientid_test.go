package client

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// NetworkManager's ipv4.dhcp-client-id=none writes an empty client
// identifier: no option 61 goes out, not the DUID's either, and no
// other option sent empty goes out (ISC's store_options skips an option
// that evaluates to no bytes).
func TestEmptySendValuesSendNothing(t *testing.T) {
	conf := "send dhcp-client-identifier \"\"; # added by NetworkManager\nsend host-name \"\";\n"
	c, ds := config.Parse(strings.NewReader(conf), "nm.conf")
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	id := Identity{HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DUID: []byte{0, 4, 1, 2, 3, 4}}
	m := statemachine.New(MachineConfig("eth0", c.For("eth0"), id), nil)
	sent := 0
	for _, a := range m.Step(time.Unix(1e9, 0), statemachine.Start{}) {
		s, ok := a.(statemachine.Send)
		if !ok {
			continue
		}
		sent++
		for _, code := range []uint8{dhcp4.OptClientID, dhcp4.OptHostName} {
			if v, ok := s.Msg.Options.Get(code); ok {
				t.Errorf("DISCOVER carries option %d (% x), want none", code, v)
			}
		}
	}
	if sent != 1 {
		t.Fatalf("%d messages sent at start, want the DISCOVER", sent)
	}
}
