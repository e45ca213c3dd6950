package client

import (
	"net/netip"
	"testing"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// getoption answers SPACE.NAME as the hooks see it (new_fqdn_fqdn), and
// plain option names as before.
func TestBackendOptionOfASpace(t *testing.T) {
	l := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.10")}
	// Option 81: flags S|E, rcodes 255, "myhost.example.com" in wire form.
	fqdn := append([]byte{0x05, 0xff, 0xff, 6}, "myhost\x07example\x03com\x00"...)
	l.Options.Set(81, fqdn)
	l.Options.SetAddr(dhcp4.OptRouter, netip.MustParseAddr("192.0.2.1"))
	r := &Runner{}
	r.status.Lease = l
	b := &Backend{m: &Manager{runners: map[string]*Runner{"eth0": r}}, cat: dhcp4.NewCatalogue()}
	for _, tc := range []struct{ name, want string }{
		{"fqdn.fqdn", "myhost.example.com"},
		{"fqdn.server-update", "true"},
		{"routers", "192.0.2.1"},
	} {
		if got, err := b.Option("eth0", tc.name); err != nil || got != tc.want {
			t.Errorf("getoption %s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := b.Option("eth0", "fqdn.rcode3"); err == nil {
		t.Error("getoption fqdn.rcode3: no error, want one")
	}
}

// getoption answers as the hook variable would hold it: option 114 when
// it is an https URI, an error for a suspect value the hook never sees.
func TestBackendOptionSuspect(t *testing.T) {
	l := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.10")}
	l.Options.Set(dhcp4.OptCaptivePortal, []byte("https://portal.example/api"))
	l.Options.Set(dhcp4.OptHostName, []byte("x;reboot"))
	r := &Runner{}
	r.status.Lease = l
	b := &Backend{m: &Manager{runners: map[string]*Runner{"eth0": r}}, cat: dhcp4.NewCatalogue()}
	if got, err := b.Option("eth0", "default-url"); err != nil || got != "https://portal.example/api" {
		t.Errorf("getoption default-url: %q, %v", got, err)
	}
	if got, err := b.Option("eth0", "host-name"); err == nil {
		t.Errorf("getoption host-name: %q, want a suspect-value error", got)
	}
}
