package main

import (
	"net/netip"
	"testing"

	"github.com/leased/leased/client"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

func TestStatusLine(t *testing.T) {
	l := &statemachine.Lease{Addr: netip.MustParseAddr("10.0.0.5")}
	l.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
	got := statusLine([]client.Status{
		{Interface: "eth0", State: statemachine.StateBound, Lease: l},
		{Interface: "eth1", State: statemachine.StateSelecting},
		{Interface: "eth2", State: statemachine.StateRebooting, Lease: l}, // remembered, not configured
	})
	if want := "eth0: BOUND 10.0.0.5/24; eth1: SELECTING; eth2: REBOOTING"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
