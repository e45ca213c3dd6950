//go:build linux

package e2e

import (
	"bytes"
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
	l := lab.New(t)
	l.StartDnsmasq(t, l.DefaultOpts())
	w := modernWatch(t, l)
	conf := "send dhcp-client-identifier = concat(00, hardware);\n" +
		"send user-class = concat(ucase(\"lab\"), \"-\", suffix(\"node42\", 2));\n"
	c := newHookClient(t, l, conf)
	c.start(t, "")
	c.waitDump(t, "BOUND", 1, 30*time.Second)
	w.await(dhcp4.Ack)
	msgs := append(w.of(dhcp4.Discover), w.of(dhcp4.Request)...)
	if len(msgs) < 2 {
		t.Fatalf("no DISCOVER and REQUEST: %s", w.summary())
	}
	for _, m := range msgs {
		wantID := append([]byte{0, 1}, m.HardwareAddr()...)
		if id, _ := m.Options.Get(dhcp4.OptClientID); !bytes.Equal(id, wantID) {
			t.Errorf("%s client identifier % x, want % x", m.Type(), id, wantID)
		}
		if uc, _ := m.Options.Get(dhcp4.OptUserClass); string(uc) != "LAB-42" {
			t.Errorf("%s user class %q, want \"LAB-42\"", m.Type(), uc)
		}
	}
}
