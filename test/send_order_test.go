//go:build linux

package e2e

import (
	"fmt"
	"slices"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestSendOptionOrder: the options of a DHCPDISCOVER and a DHCPREQUEST
// go out in the order ISC dhclient 4.4.3-P1 sent them for the same
// dhclient.conf (captured on the wire): the protocol's options, then
// routers, host name and the like, then the rest by ISC's option hash,
// the statements of the outer scope, including one after the interface
// block, stored before the block's own. A server or network appliance
// that tells clients apart by the order of their options sees ISC's.
// The request statement after the block does not reach the interface,
// whose settings are the top level's as they stood where its block
// began: ISC's PRL was its built-in list (leased adds option 114).
func TestSendOptionOrder(t *testing.T) {
	t.Parallel()
	w := boundWith(t, func(ifname string) string {
		return fmt.Sprintf(`send user-class "outer";
send dhcp-lease-time 3600;
interface "%s" {
  send root-path "r";
  send nis-domain "x";
  send dhcp-max-message-size 1400;
  send vendor-class-identifier "vc";
  send vendor-encapsulated-options 01:02;
  send host-name "hn";
}
send netbios-scope "late";
request subnet-mask, routers;
`, ifname)
	})
	for _, tc := range []struct {
		mt   dhcp4.MessageType
		want []uint8
	}{
		{dhcp4.Discover, []uint8{53, 51, 12, 17, 55, 57, 40, 43, 60, 77, 47}},
		{dhcp4.Request, []uint8{53, 54, 51, 50, 12, 17, 55, 57, 40, 43, 60, 77, 47}},
	} {
		msgs := w.of(tc.mt)
		if len(msgs) == 0 {
			t.Fatalf("no %s: %s", tc.mt, w.summary())
		}
		var got []uint8
		for _, o := range msgs[0].Options {
			got = append(got, o.Code)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s options %v, want %v", tc.mt, got, tc.want)
		}
		if prl, _ := msgs[0].Options.Get(dhcp4.OptParamRequest); !slices.Equal(prl, []uint8{1, 28, 2, 3, 15, 6, 12, 114}) {
			t.Errorf("%s PRL %v, want ISC's built-in list and 114", tc.mt, prl)
		}
	}
}
