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
	cfg.Modifiers = []Modifier{
		{Default, 15, []byte("default.test")}, {Default, 12, []byte("dflt")},
		{Supersede, 15, []byte("superseded.test")},
		{Prepend, 6, []byte{127, 0, 0, 53}},
		{Append, 119, []byte{4, 'c', 'o', 'r', 'p', 0}},
	}
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
	cfg.Modifiers = []Modifier{{Prepend, dhcp4.OptDomainSearch, value(`"lab.test"`)}}
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

// TestModifiersInOrder: the modifiers apply in the order ISC runs them,
// each to what those before it made (the server sent 10.0.0.1 as
// domain-name-servers and no domain-name).
func TestModifiersInOrder(t *testing.T) {
	dns := func(a ...byte) []byte { return a }
	for _, tc := range []struct {
		name string
		mods []Modifier
		code uint8
		want []byte
	}{
		{"supersede after prepend", []Modifier{{Prepend, 6, dns(127, 0, 0, 1)}, {Supersede, 6, dns(8, 8, 8, 8)}},
			6, dns(8, 8, 8, 8)},
		{"prepend after supersede", []Modifier{{Supersede, 6, dns(8, 8, 8, 8)}, {Prepend, 6, dns(127, 0, 0, 1)}},
			6, dns(127, 0, 0, 1, 8, 8, 8, 8)},
		{"supersede after append", []Modifier{{Append, 6, dns(9, 9, 9, 9)}, {Supersede, 6, dns(8, 8, 8, 8)}},
			6, dns(8, 8, 8, 8)},
		{"two prepends", []Modifier{{Prepend, 6, dns(127, 0, 0, 1)}, {Prepend, 6, dns(127, 0, 0, 53)}},
			6, dns(127, 0, 0, 53, 127, 0, 0, 1, 10, 0, 0, 1)},
		{"default after prepend", []Modifier{{Prepend, 15, []byte("p.")}, {Default, 15, []byte("d.test")}},
			15, []byte("p.")},
		{"default after supersede", []Modifier{{Supersede, 15, []byte("s.test")}, {Default, 15, []byte("d.test")}},
			15, []byte("s.test")},
	} {
		cfg := testConfig()
		cfg.Modifiers = tc.mods
		h := newHarness(t, cfg)
		h.do(0, Start{})
		h.do(time.Second, offer(addr, srv))
		h.do(0, ack(addr, srv, dhcp4.Option{Code: 6, Data: dns(10, 0, 0, 1)}))
		if got, _ := h.m.Lease().Options.Get(tc.code); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: option %d = %v, want %v", tc.name, tc.code, got, tc.want)
		}
	}
}
