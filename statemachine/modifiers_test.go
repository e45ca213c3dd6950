package statemachine

import (
	"bytes"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestModifiers checks default, supersede, prepend and append as applied
// when an ACK becomes a lease (reference §2.2).
func TestModifiers(t *testing.T) {
	cfg := testConfig()
	cfg.Default = dhcp4.Options{{Code: 15, Data: []byte("default.test")}, {Code: 12, Data: []byte("dflt")}}
	cfg.Supersede = dhcp4.Options{{Code: 15, Data: []byte("superseded.test")}}
	cfg.Prepend = dhcp4.Options{{Code: 6, Data: []byte{127, 0, 0, 53}}}
	cfg.Append = dhcp4.Options{{Code: 119, Data: []byte{4, 'c', 'o', 'r', 'p', 0}}}
	h := newHarness(t, cfg)
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, ack(addr, srv,
		dhcp4.Option{Code: 12, Data: []byte("server")},
		dhcp4.Option{Code: 15, Data: []byte("server.test")},
		dhcp4.Option{Code: 6, Data: []byte{10, 0, 0, 1}}))
	l := h.m.Lease()
	for _, tc := range []struct {
		code uint8
		want []byte
	}{
		{12, []byte("server")},          // default does not replace
		{15, []byte("superseded.test")}, // supersede does
		{6, []byte{127, 0, 0, 53, 10, 0, 0, 1}},
		{119, []byte{4, 'c', 'o', 'r', 'p', 0}}, // append to nothing
	} {
		if got, _ := l.Options.Get(tc.code); !bytes.Equal(got, tc.want) {
			t.Errorf("option %d = %q, want %q", tc.code, got, tc.want)
		}
	}
}

// TestRequestedOfferFirst checks that, with select-timeout, the offer of
// the remembered address is requested even when it came second
// (dhclient.c dhcpoffer).
func TestRequestedOfferFirst(t *testing.T) {
	cfg := testConfig()
	cfg.SelectTimeout = 5 * time.Second
	cfg.Reboot = 0 // INIT-REBOOT gives up at the first retransmission
	h := newHarness(t, cfg, recordedLease()...)
	h.do(0, Start{})
	h.do(atArm, Timeout{}) // -> INIT, DISCOVER with option 50
	if h.m.State() != StateSelecting {
		t.Fatalf("state %v, want SELECTING", h.m.State())
	}
	h.do(time.Second, offer(addr2, srv2))
	h.do(0, offer(addr, srv))
	got := render(h.do(atArm, Timeout{}))
	want := "send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1"
	found := false
	for _, g := range got {
		found = found || g == want
	}
	if !found {
		t.Errorf("got %q, want it to include %q", got, want)
	}
}

// TestPrependDomainSearch: prepend and append join a compressed server
// list name by name (dhcp4.ConcatNames); byte for byte, the server's
// pointer pointed into the prepended name and a name was lost.
func TestPrependDomainSearch(t *testing.T) {
	c := dhcp4.NewCatalogue()
	value := func(text string) []byte {
		d, err := c.ParseValue(dhcp4.OptDomainSearch, text)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cfg := testConfig()
	cfg.Prepend = dhcp4.Options{{Code: dhcp4.OptDomainSearch, Data: value(`"lab.test"`)}}
	h := newHarness(t, cfg)
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, ack(addr, srv, dhcp4.Option{Code: dhcp4.OptDomainSearch, Data: value(`"corp.example.com", "example.com"`)}))
	got, _ := h.m.Lease().Options.Get(dhcp4.OptDomainSearch)
	text, err := c.FormatLease(dhcp4.OptDomainSearch, got)
	if want := `"lab.test.", "corp.example.com.", "example.com."`; err != nil || text != want {
		t.Errorf("domain-search %s, %v; want %s", text, err, want)
	}
}
