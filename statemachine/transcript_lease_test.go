package statemachine

import (
	"time"
)

// leaseTranscripts cover a bound lease: renew, rebind, expiry, NAKs.
func leaseTranscripts() []scenario {
	return []scenario{
		{name: "renew at T1 unicast same xid", setup: bound, steps: append(renewedAtT1(), []step{
			{0, HookResult{Reason: ReasonRenew}, []string{}},
		}...)},
		{name: "rebind after T2", setup: bound, steps: append(unansweredRenewals(), []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=58 ciaddr=10.0.0.5",
				"arm +12s",
			}},
			{time.Second, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24 old=10.0.0.5/24",
				"hook REBIND new=10.0.0.5 old=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonRebind}, []string{}},
		}...)},
		{name: "expiry runs EXPIRE and PREINIT", setup: bound, steps: append(expiry(), []step{
			// ISC keeps the lapsed lease as client->active: the next BOUND
			// exports it as old_*.
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
				"hook BOUND new=10.0.0.5 old=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}...)},
		// ... and STOP too (dhclient.c state_stop).
		{name: "stop after an expiry", setup: bound, steps: append(expiry(),
			step{time.Second, Stop{}, []string{"hook STOP old=10.0.0.5", "arm off"}},
		)},
		{name: "NAK while renewing", setup: bound, steps: []step{
			{atArm, Timeout{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
				"arm +4s",
			}},
			{time.Second, nak(srv), append(nakedAgain(), "arm +4s")},
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
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook BOUND new=10.0.0.5",
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
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
		}},
	}
}

// unansweredRenewals are the unicast REQUESTs of the lease of bound from
// T1 (t0+49 s) that no server answers, up to the last one before T2,
// which is armed for T2 itself (t0+106 s, RFC 2131 §4.4.5).
func unansweredRenewals() []step {
	return []step{
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
			"arm +9s", // just past T2 (ISC: cur_time > rebind), not ISC's next retransmission (+11s)
		}},
	}
}

// expiry are the steps of the lease of bound running out unrenewed, up
// to the DISCOVER after EXPIRE.
func expiry() []step {
	return append(unansweredRenewals(), []step{
		{atArm, Timeout{}, []string{
			"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
			"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=58 ciaddr=10.0.0.5",
			"arm +12s",
		}},
		{atArm, Timeout{}, []string{
			"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
			"send DHCPREQUEST xid=0xe to=255.255.255.255:67 secs=70 ciaddr=10.0.0.5",
			"arm +3s",
		}},
		{atArm, Timeout{}, []string{
			"deconfigure 10.0.0.5/24",
			"hook EXPIRE old=10.0.0.5",
			"hook PREINIT",
			"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
			"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
			"arm +4s",
		}},
	}...)
}

// renewedAtT1 are the steps of the lease of bound renewed at T1: the
// unicast DHCPREQUEST and the DHCPACK, its RENEW hook yet to report.
func renewedAtT1() []step {
	return []step{
		{atArm, Timeout{}, []string{
			"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
			"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
			"arm +4s",
		}},
		{time.Second, ack(addr, srv), []string{
			"log DHCPACK of 10.0.0.5 from 10.0.0.1",
			"persist 10.0.0.5/24",
			"configure 10.0.0.5/24 old=10.0.0.5/24",
			"hook RENEW new=10.0.0.5 old=10.0.0.5",
			"log bound to 10.0.0.5 -- renewal in 48 seconds.",
			"arm +48s",
		}},
	}
}
