package client

import (
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestWithoutKey(t *testing.T) {
	m := &dhcp4.Message{Op: dhcp4.BootReply}
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(dhcp4.Ack)})
	m.Options.Set(dhcp4.OptAuthentication, dhcp4.KeyAuth([]byte("0123456789abcdef"), 1))
	c := withoutKey(m)
	if c.Options.Has(dhcp4.OptAuthentication) || !c.Options.Has(dhcp4.OptMessageType) {
		t.Errorf("copy options %v", c.Options)
	}
	if !m.Options.Has(dhcp4.OptAuthentication) {
		t.Errorf("the machine's message was changed")
	}
}
