package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// TestInterfaceBlockTakesTopLevelAsItStood: an interface block starts from
// the top-level settings as they stood where the interface's first block
// began (ISC make_client_config copies them there), so the timeout,
// request list, reject list and retry further down reach only the
// interfaces without a block, and a later block for the same interface
// goes on from the first one's copy. The send and supersede statements
// further down reach every interface, as ISC's interface scopes chain to
// the top level's statement groups.
func TestInterfaceBlockTakesTopLevelAsItStood(t *testing.T) {
	const conf = `timeout 30;
send user-class "early";
interface "eth0" {
  also request ntp-servers;
}
request subnet-mask, routers;
timeout 5;
reject 192.0.2.1;
send host-name "late";
supersede domain-name "late.example";
interface "eth0" {
  retry 20;
  also request domain-name;
}
interface "eth1" {
  retry 7;
}
retry 99;
`
	c, ds := Parse(strings.NewReader(conf), "scopes.conf")
	noDiags(t, ds, 0)
	builtin := Defaults().Request
	for _, tc := range []struct {
		iface   string
		timeout time.Duration
		retry   time.Duration
		request []uint8
		reject  int
	}{
		{"eth0", 30 * time.Second, 20 * time.Second, append(slices.Clone(builtin), 42, 15), 0},
		{"eth1", 5 * time.Second, 7 * time.Second, []uint8{1, 3}, 1},
		{"eth2", 5 * time.Second, 99 * time.Second, []uint8{1, 3}, 1},
	} {
		s := c.For(tc.iface)
		if s.Timeout != tc.timeout || s.Retry != tc.retry {
			t.Errorf("%s: timeout %v retry %v, want %v and %v", tc.iface, s.Timeout, s.Retry, tc.timeout, tc.retry)
		}
		if !slices.Equal(s.Request, tc.request) {
			t.Errorf("%s: request %v, want %v", tc.iface, s.Request, tc.request)
		}
		if len(s.Reject) != tc.reject || tc.reject > 0 && s.Reject[0] != netip.MustParsePrefix("192.0.2.1/32") {
			t.Errorf("%s: reject %v, want %d", tc.iface, s.Reject, tc.reject)
		}
		var sent []uint8
		for _, o := range s.Send {
			sent = append(sent, o.Code)
		}
		if !slices.Equal(sent, []uint8{dhcp4.OptUserClass, dhcp4.OptHostName}) {
			t.Errorf("%s: send %v, want user-class and host-name", tc.iface, sent)
		}
		if modifier(s, statemachine.Supersede, dhcp4.OptDomainName) == nil {
			t.Errorf("%s: the supersede after the blocks is lost", tc.iface)
		}
	}
}
