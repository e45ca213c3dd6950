package client

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Watchers get the events PROTOCOL.md lists: a state event with the
// hook reason of the change, a link event when the carrier changes and
// a lease event for a new or extended lease, each once.
func TestBackendWatchEvents(t *testing.T) {
	b := NewBackend(&Manager{runners: map[string]*Runner{}}, dhcp4.NewCatalogue())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	events := b.Watch(ctx)
	lease := func(expire int64) *statemachine.Lease {
		l := &statemachine.Lease{Addr: netip.MustParseAddr("10.0.0.50"), Expire: time.Unix(expire, 0)}
		l.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
		return l
	}
	for _, s := range []Status{
		{Interface: "eth0", State: statemachine.StateRequesting},
		{Interface: "eth0", State: statemachine.StateBound, Lease: lease(1000), Reason: "BOUND"},
		{Interface: "eth0", State: statemachine.StateBound, Lease: lease(1000)}, // nothing new
		{Interface: "eth0", State: statemachine.StateBound, Lease: lease(1000), Carrier: "down"},
		{Interface: "eth0", State: statemachine.StateLinkDown, Lease: lease(1000), Carrier: "down"},
		{Interface: "eth0", State: statemachine.StateLinkDown, Lease: lease(1000), Carrier: "up"},
		{Interface: "eth0", State: statemachine.StateBound, Lease: lease(2000), Carrier: "up", Reason: "RENEW"},
	} {
		b.publish(s)
	}
	var got []string
	for len(events) > 0 {
		ev := <-events
		line := string(ev.Kind) + " " + ev.State + " " + ev.Link + " " + ev.Address.String() + " " + ev.Reason
		got = append(got, strings.Join(strings.Fields(strings.ReplaceAll(line, "invalid Prefix", "")), " "))
	}
	want := []string{
		"state REQUESTING",
		"state BOUND 10.0.0.50/24 BOUND",
		"lease 10.0.0.50/24 BOUND",
		"link down",
		"state LINK-DOWN 10.0.0.50/24",
		"link up",
		"state BOUND 10.0.0.50/24 RENEW",
		"lease 10.0.0.50/24 RENEW",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}
