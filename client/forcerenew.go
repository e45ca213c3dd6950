package client

import "github.com/leased/leased/statemachine/dhcp4"

// withoutKey returns msg without option 90: an ACK's reconfigure key (RFC
// 6704) authenticates FORCERENEW and is a secret of the daemon and the
// server, so getpacket, which other users may run, never shows it.
func withoutKey(msg *dhcp4.Message) *dhcp4.Message {
	if !msg.Options.Has(dhcp4.OptAuthentication) {
		return msg
	}
	c := *msg
	c.Options = msg.Options.Clone()
	c.Options.Del(dhcp4.OptAuthentication)
	return &c
}
