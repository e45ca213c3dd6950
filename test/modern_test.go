//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// The extensions ISC dhclient lacks (issue 16), each against a server
// that speaks it: Rapid Commit and option 114 against dnsmasq, option 108
// against Kea, DHCPINFORM and the anonymity profile against dnsmasq. Each
// test shows the feature on the wire (lab.WatchDHCP on the server end of
// the client link) and in the kernel or the hook environment.

// modernWire records the DHCP messages crossing the client link.
type modernWire struct {
	mu   sync.Mutex
	msgs []*dhcp4.Message
}

func modernWatch(t *testing.T, l *lab.Lab) *modernWire {
	t.Helper()
	w := &modernWire{}
	lab.WatchDHCP(t, l.ServerNS(), l.ServerPeer(l.ClientIf()), func(d lab.Datagram) {
		w.mu.Lock()
		w.msgs = append(w.msgs, d.Msg)
		w.mu.Unlock()
	})
	return w
}

// of returns the messages of type mt seen so far.
func (w *modernWire) of(mt dhcp4.MessageType) []*dhcp4.Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []*dhcp4.Message
	for _, m := range w.msgs {
		if m.Type() == mt {
			out = append(out, m)
		}
	}
	return out
}

// await returns the messages of type mt once one was seen, or none after
// a few seconds: the watcher reads in a goroutine of its own and may lag
// behind what the client already did. What was sent before a message is
// seen before it.
func (w *modernWire) await(mt dhcp4.MessageType) []*dhcp4.Message {
	_ = lab.Until(5*time.Second, func() bool { return len(w.of(mt)) > 0 })
	return w.of(mt)
}

// all returns every message seen so far.
func (w *modernWire) all() []*dhcp4.Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.msgs)
}

// summary lists the types seen, for failure messages.
func (w *modernWire) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var s []string
	for _, m := range w.msgs {
		s = append(s, m.Type().String())
	}
	return strings.Join(s, " ")
}

// modernSocket is the control socket of a hookClient's daemon.
func (c *hookClient) socket() string { return strings.TrimSuffix(c.pid, ".pid") + ".sock" }

// TestRapidCommitDnsmasq: with rapid-commit on, DISCOVER carries option 80
// and dnsmasq (dhcp-rapid-commit) answers with a DHCPACK that binds: two
// messages, no OFFER, no REQUEST (RFC 4039).
func TestRapidCommitDnsmasq(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.Extra = append(opts.Extra, "dhcp-rapid-commit")
	srv := l.StartDnsmasq(t, opts)
	w := modernWatch(t, l)
	c := newHookClient(t, l, "rapid-commit on;\n")
	c.start(t, "")
	got := c.waitDump(t, "BOUND", 1, 30*time.Second)
	addr := hookAddr(t, got, "new_ip_address")
	if !l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("%v is not configured on %s", addr, l.ClientIf())
	}
	lab.WaitLog(t, srv.Log(), fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addr), 5*time.Second)
	acks := w.await(dhcp4.Ack)
	disc := w.of(dhcp4.Discover)
	if len(disc) == 0 || !disc[0].Options.Has(dhcp4.OptRapidCommit) {
		t.Errorf("no DISCOVER with option 80 on the wire: %s", w.summary())
	}
	if len(acks) == 0 || !acks[0].Options.Has(dhcp4.OptRapidCommit) {
		t.Errorf("no DHCPACK with option 80 on the wire: %s", w.summary())
	}
	if n, r := len(w.of(dhcp4.Offer)), len(w.of(dhcp4.Request)); n != 0 || r != 0 {
		t.Errorf("%d OFFERs and %d REQUESTs in a rapid commit: %s", n, r, w.summary())
	}
}

// TestCaptivePortalDnsmasq: option 114 is requested without any setting,
// exported as new_default_url (ISC's name for code 114), shown by
// dhclientctl getoption; a value that is no https URI is dropped as
// suspect (RFC 8910).
func TestCaptivePortalDnsmasq(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, uri, want string }{
		{"https", "https://portal.lab.test/capport", "https://portal.lab.test/capport"},
		{"hostile", "https://portal.lab.test/`reboot`", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := lab.New(t)
			opts := l.DefaultOpts()
			opts.Extra = append(opts.Extra, "dhcp-option=114,\""+tc.uri+"\"")
			l.StartDnsmasq(t, opts)
			w := modernWatch(t, l)
			c := newHookClient(t, l, "")
			c.start(t, "")
			got := c.waitDump(t, "BOUND", 1, 30*time.Second)
			acks := w.await(dhcp4.Ack)
			disc := w.of(dhcp4.Discover)
			if len(disc) == 0 || len(acks) == 0 {
				t.Fatalf("no DISCOVER or DHCPACK on the wire: %s", w.summary())
			}
			if prl, _ := disc[0].Options.Get(dhcp4.OptParamRequest); !bytes.Contains(prl, []byte{dhcp4.OptCaptivePortal}) {
				t.Errorf("DISCOVER's request list %v lacks 114", prl)
			}
			if v, _ := acks[0].Options.Get(dhcp4.OptCaptivePortal); string(v) != tc.uri {
				t.Errorf("DHCPACK's option 114 %q, want %q", v, tc.uri)
			}
			if v, ok := got.vars["new_default_url"]; v != tc.want || ok != (tc.want != "") {
				t.Errorf("new_default_url=%q (set %v), want %q", v, ok, tc.want)
			}
			if tc.want == "" {
				if log := c.logText(t); !strings.Contains(log, "suspect value in default_url option - discarded") {
					t.Errorf("no suspect-value line in the log:\n%s", log)
				}
				if out, _, code := ctl(t, "-s", c.socket(), "getoption", l.ClientIf(), "default-url"); code == 0 {
					t.Errorf("getoption default-url printed %q for a suspect value", out)
				}
				return
			}
			if out := ctlOK(t, "-s", c.socket(), "getoption", l.ClientIf(), "default-url"); strings.TrimSpace(out) != tc.want {
				t.Errorf("getoption default-url = %q, want %q", out, tc.want)
			}
		})
	}
}

// TestIPv6OnlyPreferredKea: with ipv6-only-preferred on, Kea returns
// option 108 in its OFFER; the client requests nothing, configures no
// IPv4 address and runs V6ONLY with v6-only-preferred=1800 (RFC 8925
// §3.2).
func TestIPv6OnlyPreferredKea(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.Extra = append(opts.Extra, `"option-data": [{"name": "v6-only-preferred", "data": "1800"}]`)
	l.StartKea(t, opts)
	w := modernWatch(t, l)
	c := newHookClient(t, l, "ipv6-only-preferred on;\n")
	c.start(t, "")
	got := c.waitDump(t, "V6ONLY", 1, 30*time.Second)
	if v := got.vars["v6-only-preferred"]; v != "1800" {
		t.Errorf("v6-only-preferred=%q, want 1800", v)
	}
	offers := w.await(dhcp4.Offer)
	disc := w.of(dhcp4.Discover)
	if len(disc) == 0 || len(offers) == 0 {
		t.Fatalf("no DISCOVER or OFFER on the wire: %s", w.summary())
	}
	if prl, _ := disc[0].Options.Get(dhcp4.OptParamRequest); !bytes.Contains(prl, []byte{dhcp4.OptV6OnlyPreferred}) {
		t.Errorf("DISCOVER's request list %v lacks 108", prl)
	}
	if v, ok := offers[0].Options.Uint32(dhcp4.OptV6OnlyPreferred); !ok || v != 1800 {
		t.Errorf("OFFER's option 108 = %d (%v), want 1800", v, ok)
	}
	// The daemon is in V6ONLY for 30 minutes: ask it, then look at the
	// link and the wire.
	lab.PollUntil(t, 10*time.Second, func() bool {
		out, _, _ := ctl(t, "-s", c.socket(), "status", l.ClientIf())
		return strings.Contains(out, "V6ONLY")
	}, func() string { return "V6ONLY in the status\n" + c.logText(t) })
	if a := l.AddrsOf(t, l.ClientIf()); len(a) != 0 {
		t.Errorf("IPv4 addresses %v on %s in V6ONLY", a, l.ClientIf())
	}
	if r := w.of(dhcp4.Request); len(r) != 0 {
		t.Errorf("%d REQUESTs sent in spite of option 108: %s", len(r), w.summary())
	}
	if files, _ := filepath.Glob(filepath.Join(c.dumps, "*-BOUND.env")); len(files) != 0 {
		t.Errorf("BOUND ran in V6ONLY: %v", files)
	}
}

// TestInformDnsmasq: an address set by hand and `inform ADDRESS;`: the
// client sends DHCPINFORM with ciaddr, dnsmasq answers with parameters
// and no lease, INFORM exports them, nothing is added to the link or the
// lease file, and dhclientctl renew asks again (RFC 2131 §3.4, §4.4.3).
func TestInformDnsmasq(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, l.DefaultOpts())
	static := l.Host(50)
	lab.Run(t, l.ClientNS(), "ip", "addr", "add", netip.PrefixFrom(static, l.Subnet().Bits()).String(), "dev", l.ClientIf())
	w := modernWatch(t, l)
	c := newHookClient(t, l, fmt.Sprintf("inform %v;\n", static))
	c.start(t, "")
	got := c.waitDump(t, "INFORM", 1, 30*time.Second)
	if v := got.vars["new_ip_address"]; v != static.String() {
		t.Errorf("new_ip_address=%q, want %v", v, static)
	}
	if v := got.vars["new_domain_name_servers"]; v != l.ServerAddr().String() {
		t.Errorf("new_domain_name_servers=%q, want %v", v, l.ServerAddr())
	}
	if v, ok := got.vars["new_dhcp_lease_time"]; ok {
		t.Errorf("new_dhcp_lease_time=%q in an INFORM", v)
	}
	lab.WaitLog(t, srv.Log(), fmt.Sprintf("DHCPINFORM(%s) %v ", l.ServerIf(), static), 5*time.Second)
	w.await(dhcp4.Ack)
	inf := w.of(dhcp4.Inform)
	if len(inf) == 0 || inf[0].CIAddr != static || inf[0].Options.Has(dhcp4.OptRequestedIP) {
		t.Fatalf("no DHCPINFORM with ciaddr %v and without option 50: %s", static, w.summary())
	}
	if d := w.of(dhcp4.Discover); len(d) != 0 {
		t.Errorf("%d DISCOVERs in inform mode", len(d))
	}
	if a := l.AddrsOf(t, l.ClientIf()); !slices.Equal(a, []netip.Addr{static}) {
		t.Errorf("IPv4 addresses %v, want only %v", a, static)
	}
	if b, _ := os.ReadFile(c.leases); bytes.Contains(b, []byte("lease {")) {
		t.Errorf("inform mode wrote a lease:\n%s", b)
	}
	if out := ctlOK(t, "-s", c.socket(), "getoption", l.ClientIf(), "domain-name"); strings.TrimSpace(out) != "lab.test" {
		t.Errorf("getoption domain-name = %q, want lab.test", out)
	}
	ctlOK(t, "-s", c.socket(), "renew", l.ClientIf())
	again := c.waitDump(t, "INFORM", 2, 30*time.Second)
	if v := again.vars["old_ip_address"]; v != static.String() {
		t.Errorf("second INFORM: old_ip_address=%q, want %v", v, static)
	}
	_ = lab.Until(5*time.Second, func() bool { return len(w.of(dhcp4.Ack)) >= 2 })
	if n := len(w.of(dhcp4.Inform)); n < 2 {
		t.Errorf("%d DHCPINFORMs after renew, want 2", n)
	}
}

// TestAnonymityDnsmasq: with anonymity on, the host name and vendor class
// of dhclient.conf and the recorded address stay at home: DISCOVER and
// REQUEST carry only the options RFC 7844 §3 allows, the client
// identifier is the MAC address, the request list the minimal one (in
// a random order, after option 53, which comes first), and the lease
// still binds; started again with that lease recorded, the
// client begins with a DISCOVER that names no address (§3.3).
func TestAnonymityDnsmasq(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, l.DefaultOpts())
	w := modernWatch(t, l)
	conf := "send host-name \"secret-host\";\nsend vendor-class-identifier \"acme-laptop\";\n" +
		"send dhcp-client-identifier \"serial-1234\";\nanonymity on;\n"
	c := newHookClient(t, l, conf)
	c.start(t, "")
	got := c.waitDump(t, "BOUND", 1, 30*time.Second)
	addr := hookAddr(t, got, "new_ip_address")
	if !l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("%v is not configured on %s", addr, l.ClientIf())
	}
	lab.WaitLog(t, srv.Log(), fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addr), 5*time.Second)
	allowed := []uint8{dhcp4.OptMessageType, dhcp4.OptRequestedIP, dhcp4.OptServerID, dhcp4.OptParamRequest, dhcp4.OptClientID}
	wantPRL := []byte{1, 3, 6, 15, 28, 114, 121}
	w.await(dhcp4.Ack)
	msgs := append(w.of(dhcp4.Discover), w.of(dhcp4.Request)...)
	if len(msgs) < 2 {
		t.Fatalf("no DISCOVER and REQUEST: %s", w.summary())
	}
	for _, m := range msgs {
		for _, code := range m.Options.Codes() {
			if !slices.Contains(allowed, code) {
				t.Errorf("%s carries option %d", m.Type(), code)
			}
		}
		if id, _ := m.Options.Get(dhcp4.OptClientID); !bytes.Equal(id, append([]byte{1}, m.HardwareAddr()...)) {
			t.Errorf("%s client identifier % x, want 01 and the MAC", m.Type(), id)
		}
		if codes := m.Options.Codes(); codes[0] != dhcp4.OptMessageType {
			t.Errorf("%s options %v, want 53 first", m.Type(), codes)
		}
		prl, _ := m.Options.Get(dhcp4.OptParamRequest)
		slices.Sort(prl) // Get returns a copy
		if !bytes.Equal(prl, wantPRL) {
			t.Errorf("%s request list %v, want %v in any order", m.Type(), prl, wantPRL)
		}
	}
	for _, leak := range []string{"secret-host", "acme-laptop", "serial-1234"} {
		if b, _ := os.ReadFile(srv.Log()); bytes.Contains(b, []byte(leak)) {
			t.Errorf("the server saw %q", leak)
		}
	}

	lab.Run(t, l.ClientNS(), c.argv("", "-x")...)
	if b, _ := os.ReadFile(c.leases); !bytes.Contains(b, []byte(addr.String())) {
		t.Fatalf("the lease of %v is not recorded after -x:\n%s", addr, b)
	}
	mark := len(w.all())
	c.start(t, "")
	c.waitDump(t, "BOUND", 2, 30*time.Second)
	_ = lab.Until(5*time.Second, func() bool { return len(w.all()) > mark+3 })
	again := w.all()[mark:]
	if len(again) == 0 || again[0].Type() != dhcp4.Discover || again[0].Options.Has(dhcp4.OptRequestedIP) {
		var first string
		if len(again) > 0 {
			first = fmt.Sprintf("%s with options %v", again[0].Type(), again[0].Options.Codes())
		}
		t.Errorf("restarted with a recorded lease, the first message is %q, want a DISCOVER without option 50", first)
	}
}
