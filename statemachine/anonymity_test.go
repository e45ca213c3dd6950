package statemachine

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestAnonymityMessages checks every message of a bind and a release
// against RFC 7844 §3: only the options the profile allows, the minimal
// request list (in some order), a client identifier of the MAC address,
// whatever the configuration says besides.
func TestAnonymityMessages(t *testing.T) {
	cfg := testConfig()
	cfg.Anonymity = true
	cfg.RapidCommit = true
	cfg.ClientID = []byte{0xff, 1, 2, 3, 4}
	cfg.PRL = append(cfg.PRL, dhcp4.OptNTPServers, dhcp4.OptCaptivePortal, dhcp4.OptV6OnlyPreferred)
	cfg.Send = dhcp4.Options{
		{Code: dhcp4.OptHostName, Data: []byte("laptop")},
		{Code: dhcp4.OptVendorClass, Data: []byte("MSFT 5.0")},
		{Code: dhcp4.OptUserClass, Data: []byte("x")},
		{Code: dhcp4.OptFQDN, Data: []byte{0, 0, 0, 'a'}},
	}
	h := newHarness(t, cfg, recordedLease()...)

	var sent []*dhcp4.Message
	keep := func(acts []Action) {
		for _, a := range acts {
			if s, ok := a.(Send); ok {
				sent = append(sent, s.Msg)
			}
		}
	}
	keep(h.do(0, Start{}))
	keep(h.do(time.Second, offer(addr, srv)))
	keep(h.do(0, ack(addr, srv)))
	keep(h.do(0, Release{}))
	if len(sent) != 3 {
		t.Fatalf("sent %d messages, want DISCOVER, REQUEST, RELEASE", len(sent))
	}
	allowed := []uint8{dhcp4.OptMessageType, dhcp4.OptRequestedIP, dhcp4.OptServerID,
		dhcp4.OptParamRequest, dhcp4.OptClientID, dhcp4.OptRapidCommit}
	wantPRL := []uint8{1, 3, 6, 15, 28, 121, 108, 114}
	wantID := append([]byte{1}, hw...)
	for _, msg := range sent {
		for _, code := range msg.Options.Codes() {
			if !slices.Contains(allowed, code) {
				t.Errorf("%s carries option %d", msg.Type(), code)
			}
		}
		if id, _ := msg.Options.Get(dhcp4.OptClientID); !bytes.Equal(id, wantID) {
			t.Errorf("%s client identifier % x, want % x", msg.Type(), id, wantID)
		}
		if prl, ok := msg.Options.Get(dhcp4.OptParamRequest); ok && !bytes.Equal(sorted(prl), sorted(wantPRL)) {
			t.Errorf("%s request list %v, want %v in any order", msg.Type(), prl, wantPRL)
		}
	}
	if sent[0].Options.Has(dhcp4.OptRequestedIP) {
		t.Error("DISCOVER asks for the recorded address (RFC 7844 §3.3)")
	}
	if !sent[0].Options.Has(dhcp4.OptParamRequest) || !sent[0].Options.Has(dhcp4.OptRapidCommit) {
		t.Errorf("DISCOVER lacks the request list or rapid commit: %v", sent[0].Options.Codes())
	}
}

// TestAnonymityOffKeepsConfig checks that without the profile the
// configuration goes out unchanged.
func TestAnonymityOffKeepsConfig(t *testing.T) {
	cfg := testConfig()
	cfg.Send = dhcp4.Options{{Code: dhcp4.OptHostName, Data: []byte("laptop")}}
	h := newHarness(t, cfg)
	for _, a := range h.do(0, Start{}) {
		if s, ok := a.(Send); ok {
			if v, _ := s.Msg.Options.Get(dhcp4.OptHostName); string(v) != "laptop" {
				t.Errorf("host name %q, want laptop", v)
			}
			if s.Msg.Options.Has(dhcp4.OptRapidCommit) {
				t.Error("rapid commit sent though off")
			}
		}
	}
}

func sorted(b []byte) []byte {
	c := slices.Clone(b)
	slices.Sort(c)
	return c
}

// anonymousOrders returns, for each message of a bind and a release with
// the anonymity profile and the random source src, the option codes in
// wire order followed by the request list.
func anonymousOrders(t *testing.T, src uint64) [][]uint8 {
	cfg := testConfig()
	cfg.Anonymity, cfg.RapidCommit = true, true
	cfg.Rand = seeded(src)
	h := newHarness(t, cfg)
	var orders [][]uint8
	keep := func(acts []Action) {
		for _, a := range acts {
			if s, ok := a.(Send); ok {
				prl, _ := s.Msg.Options.Get(dhcp4.OptParamRequest)
				orders = append(orders, append(s.Msg.Options.Codes(), prl...))
			}
		}
	}
	keep(h.do(0, Start{}))
	keep(h.do(time.Second, offer(addr, srv)))
	keep(h.do(0, ack(addr, srv)))
	keep(h.do(0, Release{}))
	if len(orders) != 3 {
		t.Fatalf("sent %d messages, want DISCOVER, REQUEST, RELEASE", len(orders))
	}
	return orders
}

// TestAnonymityShufflesOptions: under the profile the options after the
// message type, and the codes of the request list, come in an order drawn
// from the machine's random source (RFC 7844 §3.1, §3.6): the same source
// gives the same order, other sources other orders, and option 53 is
// always first.
func TestAnonymityShufflesOptions(t *testing.T) {
	first := anonymousOrders(t, 1)
	if again := anonymousOrders(t, 1); !slices.EqualFunc(first, again, slices.Equal) {
		t.Errorf("the same random source gave %v, then %v", first, again)
	}
	distinct := map[string]bool{}
	for src := range uint64(50) {
		for _, order := range anonymousOrders(t, src) {
			if order[0] != dhcp4.OptMessageType {
				t.Fatalf("source %d: options %v, want 53 first", src, order)
			}
		}
		distinct[string(anonymousOrders(t, src)[0])] = true
	}
	// DISCOVER carries 53, 55, 61 and 80, and a request list of six:
	// 3! * 6! orders. Fifty sources drawing the same handful would mean
	// no shuffle at all.
	if len(distinct) < 40 {
		t.Errorf("50 random sources gave %d DISCOVER orders, want nearly 50", len(distinct))
	}
}
