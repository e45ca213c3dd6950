//go:build linux

package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// TestSendDataExpressions: dhclient.conf send statements whose values are
// ISC data expressions go out evaluated for the interface, as ISC
// dhclient sends them: the RHEL-style client identifier concat(00,
// hardware) (a zero byte, the hardware type, the MAC address) and a user
// class built from functions of constants.
func TestSendDataExpressions(t *testing.T) {
	t.Parallel()
	w := boundWith(t, func(string) string {
		return "send dhcp-client-identifier = concat(00, hardware);\n" +
			"send user-class = concat(ucase(\"lab\"), \"-\", suffix(\"node42\", 2));\n"
	})
	for _, m := range discoverAndRequest(t, w) {
		wantID := append([]byte{0, 1}, m.HardwareAddr()...)
		if id, _ := m.Options.Get(dhcp4.OptClientID); !bytes.Equal(id, wantID) {
			t.Errorf("%s client identifier % x, want % x", m.Type(), id, wantID)
		}
		if uc, _ := m.Options.Get(dhcp4.OptUserClass); string(uc) != "LAB-42" {
			t.Errorf("%s user class %q, want \"LAB-42\"", m.Type(), uc)
		}
	}
}

// TestSendSubOptionExpressions: `send fqdn.fqdn = concat(gethostname(),
// ".example.");` with fqdn.encoded and fqdn.server-update on, as hosts
// that have the DHCP server update DNS for them write it, sends option
// 81 with the host's name under example. in DNS wire format (RFC 4702
// §2: flags S and E, two zero RCODEs), the bytes ISC dhclient sends.
func TestSendSubOptionExpressions(t *testing.T) {
	t.Parallel()
	w := boundWith(t, func(string) string {
		return "send fqdn.fqdn = concat(gethostname(), \".example.\");\n" +
			"send fqdn.encoded on;\nsend fqdn.server-update on;\n"
	})
	want := []byte{0x05, 0, 0}
	for _, label := range strings.Split(goldenHostname()+".example", ".") {
		want = append(append(want, byte(len(label))), label...)
	}
	want = append(want, 0)
	for _, m := range discoverAndRequest(t, w) {
		if got, _ := m.Options.Get(dhcp4.OptFQDN); !bytes.Equal(got, want) {
			t.Errorf("%s option 81 % x, want % x", m.Type(), got, want)
		}
	}
}

// boundWith binds a client whose dhclient.conf is conf of the client's
// interface name against dnsmasq, and returns the watch of what it sent.
func boundWith(t *testing.T, conf func(ifname string) string) *modernWire {
	t.Helper()
	l := lab.New(t)
	l.StartDnsmasq(t, l.DefaultOpts())
	w := modernWatch(t, l)
	c := newHookClient(t, l, conf(l.ClientIf()))
	c.start(t, "")
	c.waitDump(t, "BOUND", 1, 30*time.Second)
	w.await(dhcp4.Ack)
	return w
}

// discoverAndRequest returns the DHCPDISCOVERs and DHCPREQUESTs w saw,
// failing without one of each.
func discoverAndRequest(t *testing.T, w *modernWire) []*dhcp4.Message {
	t.Helper()
	d, r := w.of(dhcp4.Discover), w.of(dhcp4.Request)
	if len(d) == 0 || len(r) == 0 {
		t.Fatalf("no DISCOVER and REQUEST: %s", w.summary())
	}
	return append(d, r...)
}

// TestModifierExpressions: `supersede host-name = gethostname();` keeps the
// host's own name in what the script gets, over the one the server sends, and
// a supersede with a data expression gives the script its value, as ISC
// dhclient's environment has them.
func TestModifierExpressions(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	cfg := l.FakeConfig(l.DefaultOpts())
	cfg.Options.Set(dhcp4.OptHostName, []byte("served-name"))
	l.StartFake(t, cfg)
	conf := "supersede host-name = gethostname();\n" +
		"supersede domain-name = concat(gethostname(), \".lan\");\n"
	c := newHookClient(t, l, conf)
	c.start(t, "")
	env := c.waitDump(t, "BOUND", 1, 30*time.Second)
	host := goldenHostname()
	if got := env.vars["new_host_name"]; got != host {
		t.Errorf("new_host_name %q, want the host's %q", got, host)
	}
	if got := env.vars["new_domain_name"]; got != host+".lan" {
		t.Errorf("new_domain_name %q, want %q", got, host+".lan")
	}
}
