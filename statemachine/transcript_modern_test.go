package statemachine

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// The extensions peers have and ISC dhclient 4.4.3 lacks (but for option
// 108, which it has): Rapid Commit (RFC 4039), IPv6-only preferred (RFC
// 8925), DHCPINFORM (RFC 2131 §3.4) and the anonymity profile (RFC 7844).

var (
	static    = netip.MustParseAddr("10.0.0.9")
	rapid     = dhcp4.Option{Code: dhcp4.OptRapidCommit}
	withV6PRL = func(c *Config) { c.PRL = append(c.PRL, dhcp4.OptV6OnlyPreferred) }
)

func v6Only(secs uint32) dhcp4.Option {
	return dhcp4.Option{Code: dhcp4.OptV6OnlyPreferred, Data: []byte{byte(secs >> 24), byte(secs >> 16), byte(secs >> 8), byte(secs)}}
}

// informAck is a server's DHCPACK to a DHCPINFORM: no yiaddr, no lease
// time (RFC 2131 §4.3.5).
func informAck(extra ...dhcp4.Option) Received {
	return Received{Msg: reply(dhcp4.Ack, netip.IPv4Unspecified(), srv, 0, extra...)}
}

func modernTranscripts() []scenario {
	return []scenario{
		{name: "rapid commit binds in one round trip", cfg: func(c *Config) { c.RapidCommit = true }, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 rapid-commit",
				"arm +4s",
			}},
			{time.Second, ack(addr, srv, rapid), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonBound}, []string{"ready"}},
		}},
		// A server without Rapid Commit answers with an OFFER: the usual
		// four messages. An ACK without option 80 is no commit.
		{name: "rapid commit falls back to an OFFER", cfg: func(c *Config) { c.RapidCommit = true }, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 rapid-commit",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{"drop DHCPACK in SELECTING"}},
			{time.Second, offer(addr, srv), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +4s",
			}},
		}},
		// The commit is the only offer: require applies to it (SPEC §4).
		{name: "rapid commit ACK lacking a required option is dropped",
			cfg: func(c *Config) { c.RapidCommit = true; c.Require = []uint8{dhcp4.OptRouter} }, steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 rapid-commit",
					"arm +4s",
				}},
				{time.Second, ack(addr, srv, rapid), []string{
					"log DHCPACK of 10.0.0.5 from 10.0.0.1: no routers option.",
					"drop missing required option routers",
				}},
			}},
		{name: "rapid commit ACK unasked is dropped", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{0, ack(addr, srv, rapid), []string{"drop DHCPACK in SELECTING"}},
		}},
		// RFC 8925 §3.2: option 108 in the OFFER stops DHCPv4 for
		// V6ONLY_WAIT, at least 300 s; then DISCOVER again.
		{name: "v6-only OFFER", cfg: withV6PRL, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, offer(addr, srv, v6Only(60)), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1: v6 only preferred for 300.",
				"hook V6ONLY wait=300",
				"arm +5m0s",
			}},
			{0, offer(addr, srv), []string{"drop not listening in V6ONLY"}},
			{0, HookResult{Reason: ReasonV6Only}, []string{"ready"}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		// In INIT-REBOOT the ACK carries 108: the remembered address is
		// given up (old_*) and nothing is configured.
		{name: "v6-only ACK to INIT-REBOOT", cfg: withV6PRL, rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv, v6Only(1800)), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"log v6 only preferred for 1800 seconds.",
				"hook V6ONLY old=10.0.0.5 wait=1800",
				"arm +30m0s",
			}},
			{time.Minute, Renew{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		// A bound lease whose renewal brings 108: the address goes.
		{name: "v6-only ACK while renewing", cfg: withV6PRL, setup: bindFirst, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv, v6Only(600)), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"log v6 only preferred for 600 seconds.",
				"deconfigure 10.0.0.5/24",
				"hook V6ONLY old=10.0.0.5 wait=600",
				"arm +10m0s",
			}},
		}},
		// Not asked for, option 108 is just another option (ISC
		// check_v6only looks at the request list).
		{name: "v6-only unasked is ignored", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, offer(addr, srv, v6Only(600)), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +4s",
			}},
		}},
		// Rapid Commit and 108 together: the ACK stops DHCPv4 too.
		{name: "v6-only rapid commit ACK", cfg: func(c *Config) { withV6PRL(c); c.RapidCommit = true }, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 rapid-commit",
				"arm +4s",
			}},
			{0, ack(addr, srv, rapid, v6Only(300)), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"log v6 only preferred for 300 seconds.",
				"hook V6ONLY wait=300",
				"arm +5m0s",
			}},
		}},
		// RFC 2131 §3.4, §4.4.3: parameters for an address set by hand;
		// nothing configured or recorded, INFORM with new_*, again on
		// Renew.
		{name: "INFORM", cfg: func(c *Config) { c.Inform = static }, rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPINFORM for 10.0.0.9 on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPINFORM xid=0xe to=255.255.255.255:67 ciaddr=10.0.0.9",
				"arm +4s",
			}},
			{0, offer(addr, srv), []string{"drop DHCPOFFER in INFORMING"}},
			{time.Second, informAck(router), []string{
				"log DHCPACK to DHCPINFORM for 10.0.0.9 from 10.0.0.1",
				"hook INFORM new=10.0.0.9",
				"arm off",
			}},
			{0, HookResult{Reason: ReasonInform}, []string{"ready"}},
			{0, informAck(router), []string{"drop DHCPACK in INFORMED"}},
			{time.Hour, Renew{}, []string{
				"log DHCPINFORM for 10.0.0.9 on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPINFORM xid=0xe to=255.255.255.255:67 ciaddr=10.0.0.9",
				"arm +4s",
			}},
			{0, nak(srv), []string{"drop DHCPNAK in INFORMING"}},
			{time.Second, informAck(), []string{
				"log DHCPACK to DHCPINFORM for 10.0.0.9 from 10.0.0.1",
				"hook INFORM new=10.0.0.9 old=10.0.0.9",
				"arm off",
			}},
			// dhclient -x: STOP withdraws what INFORM published.
			{0, Stop{}, []string{"hook STOP old=10.0.0.9"}},
		}},
		// Unanswered, INFORM is retransmitted until timeout, then FAIL and
		// a new attempt after the retry draw.
		{name: "INFORM unanswered", cfg: func(c *Config) { c.Inform = static; c.Timeout = 10 * time.Second }, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPINFORM for 10.0.0.9 on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPINFORM xid=0xe to=255.255.255.255:67 ciaddr=10.0.0.9",
				"arm +4s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPINFORM for 10.0.0.9 on eth0 to 255.255.255.255 port 67 interval 7",
				"send DHCPINFORM xid=0xe to=255.255.255.255:67 secs=4 ciaddr=10.0.0.9",
				"arm +7s",
			}},
			{atArm, Timeout{}, []string{
				"log No DHCPACK to DHCPINFORM received.",
				"log No working leases in persistent database - sleeping.",
				"hook FAIL",
				"arm +2m37s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPINFORM for 10.0.0.9 on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPINFORM xid=0xe to=255.255.255.255:67 ciaddr=10.0.0.9",
				"arm +4s",
			}},
		}},
		// RFC 7844 §3.3: a recorded lease is not asked for again, neither
		// with INIT-REBOOT nor with option 50 in DISCOVER.
		{name: "anonymity asks for no earlier address", cfg: func(c *Config) { c.Anonymity = true }, rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
	}
}

// bindFirst binds 10.0.0.5 through DISCOVER, OFFER, REQUEST, ACK.
func bindFirst(h *harness) {
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, ack(addr, srv))
	h.do(0, HookResult{Reason: ReasonBound})
}
