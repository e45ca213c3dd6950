package statemachine

import (
	"strings"
	"testing"
	"time"
)

// TestIPv4LLTranscripts: with ipv4ll on, FAIL starts the link-local claim
// (RFC 3927) and DISCOVERs resume every IPv4LLRetry instead of ISC's
// random retry draw; a lease that binds turns the claim off before its
// address is configured, and stopping turns it off too.
func TestIPv4LLTranscripts(t *testing.T) {
	llCfg := func(c *Config) { c.Timeout, c.IPv4LL, c.IPv4LLRetry = 10*time.Second, true, 30*time.Second }
	failed := []step{
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
			"link-local on",
			"log No lease; using a link-local address, next DHCPDISCOVER in 30 seconds.",
			"arm +30s",
		}},
		{time.Second, HookResult{Reason: ReasonFail}, []string{"ready"}},
	}
	scenarios := []scenario{
		{name: "link-local after FAIL, off when a lease binds", cfg: llCfg,
			steps: append(append([]step{}, failed...),
				step{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				step{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 7",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 secs=4",
					"arm +7s",
				}},
				step{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log No working leases in persistent database - sleeping.",
					"hook FAIL",
					"log No lease; using a link-local address, next DHCPDISCOVER in 30 seconds.",
					"arm +30s",
				}},
				step{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				step{time.Second, offer(addr, srv), []string{
					"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
					"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
					"arm +4s",
				}},
				step{0, ack(addr, srv), []string{
					"log DHCPACK of 10.0.0.5 from 10.0.0.1",
					"persist 10.0.0.5/24",
					"link-local off",
					"configure 10.0.0.5/24",
					"hook BOUND new=10.0.0.5",
					"log bound to 10.0.0.5 -- renewal in 48 seconds.",
					"arm +48s",
				}},
			)},
		// RFC 8925: option 108 stops IPv4 altogether, the link-local
		// address included, before V6ONLY runs.
		{name: "link-local off at v6-only", cfg: func(c *Config) { llCfg(c); withV6PRL(c) },
			steps: append(append([]step{}, failed...),
				step{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
				step{time.Second, offer(addr, srv, v6Only(600)), []string{
					"log DHCPOFFER of 10.0.0.5 from 10.0.0.1: v6 only preferred for 600.",
					"link-local off",
					"hook V6ONLY wait=600",
					"arm +10m0s",
				}},
				step{0, HookResult{Reason: ReasonV6Only}, nil},
				step{atArm, Timeout{}, []string{
					"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
					"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
					"arm +4s",
				}},
			)},
		{name: "link-local off at release", cfg: llCfg,
			steps: append(append([]step{}, failed...),
				step{0, Release{}, []string{"link-local off"}},
			)},
		// No lease, so no STOP (dhclient.c state_stop), as at release.
		{name: "link-local off at stop", cfg: llCfg,
			steps: append(append([]step{}, failed...),
				step{0, Stop{}, []string{"link-local off", "arm off"}},
			)},
		{name: "without ipv4ll FAIL keeps ISC's retry draw", cfg: withTimeout(10 * time.Second),
			steps: []step{
				failed[0], failed[1],
				{atArm, Timeout{}, []string{
					"log No DHCPOFFERS received.",
					"log No working leases in persistent database - sleeping.",
					"hook FAIL",
					"arm +2m37s",
				}},
			}},
	}
	for _, sc := range scenarios {
		t.Run(strings.ReplaceAll(sc.name, " ", "_"), func(t *testing.T) {
			cfg := testConfig()
			sc.cfg(&cfg)
			newHarness(t, cfg).run(sc.steps)
		})
	}
}
