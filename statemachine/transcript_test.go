package statemachine

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestTranscripts(t *testing.T) {
	for _, sc := range transcripts() {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			cfg := testConfig()
			if sc.cfg != nil {
				sc.cfg(&cfg)
			}
			var rec []*Lease
			if sc.rec != nil {
				rec = sc.rec()
			}
			h := newHarness(t, cfg, rec...)
			if sc.setup != nil {
				sc.setup(h)
			}
			h.run(sc.steps)
		})
	}
}

// transcripts are the acceptance scenarios. random() is fixed at
// 7 (testConfig), so: xid 0xe; DISCOVER intervals 3+7%6=4, 4+7%8=11,
// 11+7%22=18>15 -> 15/2+7%15=14; REQUEST intervals use random()>>2 = 1:
// 4, 5, 6, ...; T1 for 120 s = (3*61+3)/4 + (7%61+3)/4 = 48; T2 = 105;
// retry draw 301/2 + 7%300 = 157.
func transcripts() []scenario {
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
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonBound}, []string{
				"persist 10.0.0.5/24",
				"ready",
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
		{name: "renew at T1 unicast same xid", setup: bound, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{time.Second, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24 old=10.0.0.5/24",
				"hook RENEW new=10.0.0.5 old=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonRenew}, []string{
				"persist 10.0.0.5/24",
			}},
		}},
		{name: "rebind after T2", setup: bound, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=4 ciaddr=10.0.0.5",
				"arm +5s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=9 ciaddr=10.0.0.5",
				"arm +6s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=15 ciaddr=10.0.0.5",
				"arm +7s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=22 ciaddr=10.0.0.5",
				"arm +8s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=30 ciaddr=10.0.0.5",
				"arm +9s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=39 ciaddr=10.0.0.5",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=49 ciaddr=10.0.0.5",
				"arm +11s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=60 ciaddr=10.0.0.5",
				"arm +12s",
			}},
			{time.Second, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24 old=10.0.0.5/24",
				"hook REBIND new=10.0.0.5 old=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonRebind}, []string{
				"persist 10.0.0.5/24",
			}},
		}},
		{name: "expiry runs EXPIRE and PREINIT", setup: bound, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=4 ciaddr=10.0.0.5",
				"arm +5s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=9 ciaddr=10.0.0.5",
				"arm +6s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=15 ciaddr=10.0.0.5",
				"arm +7s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=22 ciaddr=10.0.0.5",
				"arm +8s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=30 ciaddr=10.0.0.5",
				"arm +9s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=39 ciaddr=10.0.0.5",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 secs=49 ciaddr=10.0.0.5",
				"arm +11s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=60 ciaddr=10.0.0.5",
				"arm +12s",
			}},
			{atArm, Timeout{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook EXPIRE old=10.0.0.5",
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		{name: "NAK while renewing", setup: bound, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{time.Second, nak(srv), []string{
				"log DHCPNAK from 10.0.0.1",
				"deconfigure 10.0.0.5/24",
				"hook EXPIRE old=10.0.0.5",
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		{name: "NAK while requesting is ignored", steps: []step{
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
			{0, nak(srv), []string{
				"log DHCPNAK from 10.0.0.1",
				"log DHCPNAK with no active lease.",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		{name: "INIT-REBOOT ACK", rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonReboot}, []string{
				"persist 10.0.0.5/24",
				"ready",
			}},
		}},
		{name: "INIT-REBOOT NAK", rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, nak(srv), []string{
				"log DHCPNAK from 10.0.0.1",
				"hook EXPIRE old=10.0.0.5",
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
			}},
		}},
		{name: "INIT-REBOOT silence goes to INIT after reboot", rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=4 requested=10.0.0.5",
				"arm +5s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=9 requested=10.0.0.5",
				"arm +6s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
		}},
		{name: "timeout with a stored lease accepted", cfg: withTimeout(10 * time.Second), rec: recordedLease,
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=4 requested=10.0.0.5",
					"arm +5s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=9 requested=10.0.0.5",
					"arm +6s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4 requested=10.0.0.5",
					"arm +7s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log Trying recorded lease 10.0.0.5",
					"configure 10.0.0.5/24",
					"hook TIMEOUT new=10.0.0.5",
					"arm +1m24s",
				}},
				{0, HookResult{Reason: ReasonTimeout}, []string{
					"ready",
					"log bound: renewal in 24 seconds.",
					"arm +24s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
					"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
					"arm +4s",
				}},
			}},
		{name: "timeout with a stored lease refused", cfg: withTimeout(10 * time.Second), rec: recordedLease,
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=4 requested=10.0.0.5",
					"arm +5s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=9 requested=10.0.0.5",
					"arm +6s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4 requested=10.0.0.5",
					"arm +7s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log Trying recorded lease 10.0.0.5",
					"configure 10.0.0.5/24",
					"hook TIMEOUT new=10.0.0.5",
					"arm +1m24s",
				}},
				{0, HookResult{Reason: ReasonTimeout, ExitCode: 2}, []string{
					"deconfigure 10.0.0.5/24",
					"log No working leases in persistent database - sleeping.",
					"hook FAIL",
					"ready",
					"arm +2m37s",
				}},
			}},
		{name: "timeout with a fallback lease", cfg: withTimeout(10 * time.Second),
			rec: func() []*Lease { return []*Lease{fallbackLease()} },
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4",
					"arm +7s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log Trying fallback lease 192.0.2.77",
					"configure 192.0.2.77/24",
					"hook TIMEOUT new=192.0.2.77",
				}},
				{0, HookResult{Reason: ReasonTimeout}, []string{
					"ready",
					"log bound: renewal in 86449 seconds.",
					"arm +24h0m49s",
				}},
			}},
		{name: "FAIL and retry", cfg: withTimeout(10 * time.Second),
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4",
					"arm +7s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log No working leases in persistent database - sleeping.",
					"hook FAIL",
					"ready",
					"arm +2m37s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4",
					"arm +7s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log No working leases in persistent database - sleeping.",
					"hook FAIL",
					"arm +2m37s",
				}},
			}},
		{name: "onetry gives up", cfg: func(c *Config) { c.OneTry, c.Timeout = true, 5*time.Second },
			steps: []step{
				{0, Start{}, []string{
					"hook PREINIT",
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 2",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4",
					"arm +2s",
				}},
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log Unable to obtain a lease on first try.  Exiting.",
					"hook FAIL",
					"give up",
				}},
				{time.Hour, Timeout{}, nil},
			}},
		{name: "DECLINE after a non-zero BOUND hook", steps: []step{
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
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonBound, ExitCode: 1}, []string{
				"deconfigure 10.0.0.5/24",
				"log DHCPDECLINE of 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPDECLINE xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		{name: "DECLINE after an ARP conflict", cfg: func(c *Config) { c.ARPCheck = true }, steps: []step{
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
				"probe 10.0.0.5",
				"arm off",
			}},
			{0, ProbeResult{Conflict: true}, []string{
				"log DHCPDECLINE of 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPDECLINE xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
			{time.Second, offer(addr2, srv), []string{
				"log DHCPOFFER of 10.0.0.6 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.6 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.6 server=10.0.0.1",
				"arm +4s",
			}},
			{0, ack(addr2, srv), []string{
				"log DHCPACK of 10.0.0.6 from 10.0.0.1",
				"probe 10.0.0.6",
				"arm off",
			}},
			{0, ProbeResult{}, []string{
				"configure 10.0.0.6/24",
				"hook BOUND new=10.0.0.6",
				"log bound to 10.0.0.6 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		{name: "pause and resume", setup: bound, steps: []step{
			{10 * time.Second, Pause{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook STOP old=10.0.0.5",
				"arm off",
			}},
			{0, Received{Msg: reply(dhcp4.Ack, addr, srv, 120)}, []string{
				"drop not listening in PAUSED",
			}},
			{10 * time.Second, Resume{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		{name: "link down and up", setup: bound, steps: []step{
			{10 * time.Second, LinkDown{}, []string{
				"arm +1m50s",
			}},
			{10 * time.Second, LinkUp{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"configure 10.0.0.5/24 old=10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		{name: "wake-up after the lease expired in sleep", setup: bound, steps: []step{
			{200 * time.Second, WokeUp{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook EXPIRE old=10.0.0.5",
				"hook PREINIT",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}},
		{name: "release", setup: bound, steps: []step{
			{10 * time.Second, Release{}, []string{
				"log DHCPRELEASE of 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPRELEASE xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5 server=10.0.0.1",
				"deconfigure 10.0.0.5/24",
				"hook RELEASE old=10.0.0.5",
				"persist 10.0.0.5/24 released",
				"arm off",
			}},
			{0, Timeout{}, nil},
		}},
		{name: "stop keeps the lease", setup: bound, steps: []step{
			{10 * time.Second, Stop{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook STOP old=10.0.0.5",
				"arm off",
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
			{0, offer(addr2, srv2), []string{
				"log DHCPOFFER of 10.0.0.6 from 10.0.0.2",
				"log DHCPREQUEST for 10.0.0.6 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.6 server=10.0.0.2",
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
			{0, bootp(offer(addr, srv)), []string{
				"drop no DHCP message type (BOOTP)",
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
