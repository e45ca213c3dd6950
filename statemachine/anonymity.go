package statemachine

import (
	"net"
	"slices"

	"github.com/leased/leased/statemachine/dhcp4"
)

// anonymousPRL is the minimal request list of the anonymity profile
// (RFC 7844 §3.6): what an address, a route and name service need. Each
// message lists it in a new random order (shuffleOptions).
var anonymousPRL = []uint8{
	dhcp4.OptSubnetMask, dhcp4.OptRouter, dhcp4.OptDNS, dhcp4.OptDomainName,
	dhcp4.OptBroadcast, dhcp4.OptClasslessRoutes,
}

// anonymousKept are the options a configured request list keeps under
// the profile: they identify nothing and change what the client does.
var anonymousKept = []uint8{dhcp4.OptV6OnlyPreferred, dhcp4.OptCaptivePortal}

// anonymize returns cfg as the anonymity profile of RFC 7844 §3 wants
// it, or cfg itself when the profile is off:
//   - §3.5: the client identifier is the hardware type and the link-layer
//     address (which the system may randomise; chaddr is the same, §3.4);
//   - §3.6: the minimal request list, plus options 108 and 114 when the
//     configuration asked for them, shuffled in each message;
//   - §3.7–§3.10: no send option at all, so no host name, FQDN, vendor or
//     user class, client machine identifier or anything else configured.
//
// §3.3 (no requested address the network could link to an earlier visit)
// is kept by the machine: no INIT-REBOOT and no option 50 in DISCOVER.
func anonymize(cfg Config) Config {
	if !cfg.Anonymity {
		return cfg
	}
	cfg.ClientID = HardwareClientID(cfg.HWAddr)
	prl := slices.Clone(anonymousPRL)
	for _, code := range anonymousKept {
		if slices.Contains(cfg.PRL, code) {
			prl = append(prl, code)
		}
	}
	cfg.PRL = prl
	cfg.Send = nil
	return cfg
}

// HardwareClientID is option 61 of hardware type 1 and the address (RFC
// 2132 §9.14).
func HardwareClientID(hw net.HardwareAddr) []byte {
	return append([]byte{1}, hw...)
}

// shuffleOptions puts msg's options after the message type, and the codes
// of its request list, in a random order drawn from the machine's source,
// as RFC 7844 §3.1 and §3.6 want, so that the order does not tell which
// client sent it. Option 53 stays first: RFC 2131 leaves the order open
// but some servers and relays read the type there, and nearly every
// client puts it there, so its place identifies nothing.
func (m *Machine) shuffleOptions(msg *dhcp4.Message) {
	opts := msg.Options
	if len(opts) > 0 && opts[0].Code == dhcp4.OptMessageType {
		opts = opts[1:]
	}
	m.rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	for _, o := range msg.Options {
		if o.Code == dhcp4.OptParamRequest {
			m.rng.Shuffle(len(o.Data), func(i, j int) { o.Data[i], o.Data[j] = o.Data[j], o.Data[i] })
		}
	}
}
