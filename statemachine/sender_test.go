package statemachine

import (
	"net/netip"
	"slices"
	"testing"
	"time"
)

// Behind a relay the IP source is the relay, not the server identifier.
// ISC logs and rejects by the source (packet->client_addr), and so does
// leased.
func TestSenderIsTheIPSource(t *testing.T) {
	relay := netip.MustParseAddr("192.0.2.254")
	via := func(r Received) Received { r.From = relay; return r }

	cfg := testConfig()
	cfg.Reject = []netip.Prefix{netip.PrefixFrom(relay, 32)}
	h := newHarness(t, cfg)
	h.do(0, Start{})
	got := render(h.do(time.Second, via(offer(addr, srv))))
	want := []string{"log DHCPOFFER from 192.0.2.254 rejected by rule 192.0.2.254 mask 255.255.255.255.", "drop rejected server 192.0.2.254"}
	if !slices.Equal(got, want) {
		t.Errorf("offer relayed by a rejected relay:\n%q\nwant\n%q", got, want)
	}

	h = newHarness(t, testConfig())
	h.do(0, Start{})
	got = render(h.do(time.Second, via(offer(addr, srv))))
	if len(got) == 0 || got[0] != "log DHCPOFFER of 10.0.0.5 from 192.0.2.254" {
		t.Errorf("relayed offer logged %q, want it from the relay", got)
	}
}
