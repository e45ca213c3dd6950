package statemachine

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// bindTranscripts cover getting a first lease and what filtering drops.
func bindTranscripts() []scenario {
	return []scenario{
		{name: "first bind", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, offer(addr, srv), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonBound}, []string{
				"ready",
			}},
		}},
		// A BOOTP reply has no option 53 (SPEC §4); one whose option 53 is
		// not one byte is malformed, not a BOOTP lease to bind at once.
		{name: "an OFFER with a malformed option 53 is dropped", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, offer(addr, srv, dhcp4.Option{Code: dhcp4.OptMessageType, Data: []byte{2}}), []string{
				"drop option 53 not one valid byte",
			}},
			{0, Received{Msg: func() *dhcp4.Message {
				m := reply(dhcp4.Offer, addr, srv, 120)
				m.Options.Set(dhcp4.OptMessageType, []byte{2, 0})
				return m
			}()}, []string{
				"drop option 53 not one valid byte",
			}},
		}},
		{name: "select-timeout collects two offers", cfg: func(c *Config) { c.SelectTimeout = 5 * time.Second },
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{time.Second, offer(addr2, srv2), []string{
					"log DHCPOFFER of 10.0.0.6 from 10.0.0.2",
					"arm +4s",
				}},
				{time.Second, offer(addr, srv), []string{
					"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				}},
				{0, offer(addr, srv), []string{
					"drop DHCPOFFER of 10.0.0.5 from 10.0.0.1: already seen",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.6 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.6 server=10.0.0.2",
					"arm +4s",
				}},
				{0, ack(addr2, srv2), []string{
					"log DHCPACK of 10.0.0.6 from 10.0.0.2",
					"persist 10.0.0.6/24",
					"configure 10.0.0.6/24",
					"hook BOUND new=10.0.0.6",
					"log bound to 10.0.0.6 -- renewal in 48 seconds.",
					"arm +48s",
				}},
			}},
		{name: "require drops an offer", cfg: func(c *Config) { c.Require = []uint8{dhcp4.OptRouter} },
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{time.Second, offer(addr2, srv2), []string{
					"log DHCPOFFER of 10.0.0.6 from 10.0.0.2: no routers option.",
					"drop missing required option routers",
				}},
				{0, offer(addr, srv, router), []string{
					"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
					"arm +4s",
				}},
			}},
		{name: "reject drops a server", cfg: func(c *Config) { c.Reject = []netip.Prefix{netip.MustParsePrefix("10.0.0.2/32")} },
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{time.Second, offer(addr2, srv2), []string{
					"log DHCPOFFER from 10.0.0.2 rejected by rule 10.0.0.2 mask 255.255.255.255.",
					"drop rejected server 10.0.0.2",
				}},
				{0, offer(addr, srv), []string{
					"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
					"arm +4s",
				}},
			}},
		{name: "zero lease time rejects the server", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, zeroLeaseOffer(addr, srv2), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.2: zero lease time.",
				"drop zero lease time",
			}},
			{0, offer(addr, srv), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +4s",
			}},
			{0, noLeaseTime(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"log no expiry time on offered lease.",
				"arm +500ms",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +3.5s",
			}},
			{0, offer(addr, srv), []string{
				"log DHCPOFFER from 10.0.0.1 rejected by rule 10.0.0.1 mask 255.255.255.255.",
				"drop rejected server 10.0.0.1",
			}},
			// The REQUEST for it waits until a second after the last
			// one (minRequestGap).
			{0, offer(addr2, srv2), []string{
				"log DHCPOFFER of 10.0.0.6 from 10.0.0.2",
				"arm +500ms",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.6 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.6 server=10.0.0.2",
				"arm +4s",
			}},
		}},
		// A BOOTP server's reply (no option 53, nor 51 or 54) binds at once
		// with ISC's made-up times: renew 8000 s, rebind 10000 s, expiry
		// 12000 s (dhclient.c state_selecting); a BOOTP lease is never
		// tried with INIT-REBOOT.
		{name: "BOOTP reply binds", steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, bootpOnly(offer(addr, srv)), []string{
				"log BOOTREPLY of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 8000 seconds.",
				"arm +2h13m20s",
			}},
		}},
		{name: "filters", cfg: func(c *Config) { c.ClientID = []byte{1, 2, 0, 0, 0, 0, 1} }, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.XID = 0xdead }), []string{
				"drop wrong xid 0xdead",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.CHAddr[5] = 9 }), []string{
				"drop wrong chaddr 02:00:00:00:00:09",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.Op = dhcp4.BootRequest }), []string{
				"drop not a BOOTREPLY",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.HType = 6 }), []string{
				"drop wrong htype 6",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.Options.Set(dhcp4.OptClientID, []byte{1, 9}) }), []string{
				"drop wrong client identifier",
			}},
			{0, ack(addr, srv), []string{
				"drop DHCPACK in SELECTING",
			}},
			{0, foreign(offer(addr, srv), func(m *dhcp4.Message) { m.Options.Set(dhcp4.OptClientID, []byte{1, 2, 0, 0, 0, 0, 1}) }), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
			}},
		}},
	}
}
