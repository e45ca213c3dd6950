package client

import (
	"encoding/binary"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Identity is what the machine's messages say about the host.
type Identity struct {
	HWAddr   net.HardwareAddr
	Hostname string // for send host-name = gethostname()
	// DUID is the RFC 4361 DUID used for the client identifier under -i,
	// -D or client-id duid; nil otherwise.
	DUID []byte
	// Server is -s: the destination of broadcasts (invalid: broadcast).
	Server netip.Addr
}

// MachineConfig turns one interface's settings into the state machine's
// configuration. It is the only way from settings to a machine: the
// machine's defaults are the table's (config.Defaults).
func MachineConfig(iface string, s config.Settings, id Identity) statemachine.Config {
	hw := id.HWAddr
	if len(s.HardwareAddr) > 0 {
		hw = s.HardwareAddr // hardware ethernet overrides chaddr (reference §2.3)
	}
	c := statemachine.Config{
		Interface: iface, HWAddr: hw,
		PRL: s.Request, Require: s.Require, Reject: s.Reject,
		Timeout: s.Timeout, Retry: s.Retry, SelectTimeout: s.SelectTimeout, Reboot: s.Reboot,
		BackoffCutoff: s.BackoffCutoff, InitialInterval: s.InitialInterval, InitialDelay: s.InitialDelay,
		DeclineWait: s.DeclineWait,
		ARPCheck:    s.ARPCheck != config.ARPOff && s.ARPCheck != "",
		Server:      id.Server,
		IPv4LL:      s.IPv4LL, IPv4LLRetry: s.IPv4LLRetry,
		ForceRenew: s.ForceRenew,

		RapidCommit: s.RapidCommit, Anonymity: s.Anonymity, Inform: s.Inform,
	}
	c.PRL = requestList(s)
	c.Send = sendOptions(s.Send, hw, id.Hostname)
	c.Modifiers = modifiers(s.Modifiers, hw, id.Hostname)
	if s.ForceRenew && !c.Send.Has(dhcp4.OptForceRenewNonce) {
		// RFC 6704 §3.3: the server hands over a reconfigure key only
		// to a client that says it can use one, with HMAC-MD5 (1).
		c.Send.Set(dhcp4.OptForceRenewNonce, []byte{dhcp4.AuthAlgorithmHMACMD5})
	}
	c.ClientID = clientID(s.ClientID, hw, id.DUID)
	if v, ok := c.Send.Get(dhcp4.OptClientID); ok {
		// An explicit send dhcp-client-identifier wins. An empty one
		// (NetworkManager's client-id "none") sends no option 61 at
		// all, the DUID's neither: in ISC it takes the DUID's place and
		// then, empty, is not sent.
		c.ClientID = nil
		if len(v) > 0 {
			c.ClientID = v
		}
		c.Send.Del(dhcp4.OptClientID)
	}
	return c
}

// requestList is the request statement's list, with option 108 when
// ipv6-only-preferred is on (RFC 8925 §3.2: asking for it is what turns
// IPv6-only mode on, as in ISC) and option 114 when captive-portal is on
// (RFC 8910, as dhcpcd, systemd-networkd and NetworkManager ask for it),
// each unless listed already.
func requestList(s config.Settings) []uint8 {
	prl := slices.Clone(s.Request)
	for _, add := range []struct {
		on   bool
		code uint8
	}{{s.IPv6OnlyPreferred, dhcp4.OptV6OnlyPreferred}, {s.CaptivePortal, dhcp4.OptCaptivePortal}} {
		if add.on && !slices.Contains(prl, add.code) {
			prl = append(prl, add.code)
		}
	}
	return prl
}

// sendOptions evaluates the send statements (SendOption.Value).
// gethostname() with no host name set sends nothing, as ISC does: its
// option stays, empty, and an empty option is not sent.
func sendOptions(sends []config.SendOption, hw net.HardwareAddr, hostname string) dhcp4.Options {
	var out dhcp4.Options
	for _, so := range sends {
		data, ok := so.Value(hw, hostname)
		if !ok {
			continue // a part without a value: ISC sends nothing
		}
		out.Set(so.Code, data)
	}
	return out
}

// modifiers evaluates the default, supersede, prepend and append
// statements (SendOption.Present) with the host name; one whose
// expression has no value is left out.
func modifiers(mods []config.Modifier, hw net.HardwareAddr, hostname string) []statemachine.Modifier {
	var out []statemachine.Modifier
	for _, m := range mods {
		if data, ok := m.Present(hw, hostname); ok {
			out = append(out, statemachine.Modifier{Kind: m.Kind, Code: m.Code, Data: data})
		}
	}
	return out
}

// clientID returns option 61 for the client-id mode: nothing (ISC's
// default), the hardware address, or the RFC 4361 form that ISC's -i
// sends: 0xff, an IAID from the last four MAC bytes, then the DUID.
func clientID(mode config.ClientID, hw net.HardwareAddr, duid []byte) []byte {
	switch {
	case mode == config.ClientIDMAC:
		return statemachine.HardwareClientID(hw)
	case mode == config.ClientIDDUID || duid != nil:
		if duid == nil {
			return nil
		}
		var iaid [4]byte
		copy(iaid[4-min(4, len(hw)):], hw[max(0, len(hw)-4):])
		out := append([]byte{0xff}, iaid[:]...)
		return append(out, duid...)
	}
	return nil
}

// DUIDLLT builds an RFC 8415 §11.2 DUID-LLT from hw at time t, as ISC
// generates one when none is stored.
func DUIDLLT(hw net.HardwareAddr, t time.Time) []byte {
	epoch := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	b := []byte{0, 1, 0, 1}
	b = binary.BigEndian.AppendUint32(b, uint32(t.Sub(epoch)/time.Second))
	return append(b, hw...)
}

// DUIDLL builds an RFC 8415 §11.4 DUID-LL from hw (-D LL).
func DUIDLL(hw net.HardwareAddr) []byte {
	return append([]byte{0, 3, 0, 1}, hw...)
}
