package statemachine

import (
	"time"
)

// rebootTranscripts cover INIT-REBOOT and the timeout path (TIMEOUT,
// FAIL, retry, -1).
func rebootTranscripts() []scenario {
	return []scenario{
		{name: "INIT-REBOOT ACK", rec: recordedLease, steps: append(timeoutTriesRecorded()[:1], []step{
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
			{0, HookResult{Reason: ReasonReboot}, []string{
				"ready",
			}},
		}...)},
		// The daemon before a restart may have left the address on: EXPIRE
		// takes it away (the platform removes only what matches). The
		// REQUEST after that first NAK goes at once; after a second NAK
		// it waits a second, as every REQUEST after another does.
		{name: "INIT-REBOOT NAK", rec: recordedLease, steps: append(timeoutTriesRecorded()[:1], []step{
			{0, nak(srv), nakedAgain()},
			// The REQUEST after the first NAK of an INIT-REBOOT and a
			// quick OFFER goes at once, as ISC's.
			{0, offer(addr, srv), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
			}},
			{0, ack(addr, srv), boundFor48s()},
			renewedAtT1()[0],
			// A second NAK: the next REQUEST waits a second after the last.
			{0, nak(srv), nakedAgain()},
			{0, offer(addr, srv), []string{
				"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
				"arm +1s",
			}},
		}...)},
		{name: "INIT-REBOOT silence goes to INIT after reboot", rec: recordedLease, steps: timeoutTriesRecorded()[:4]},
		{name: "timeout with a stored lease accepted", cfg: withTimeout(10 * time.Second), rec: recordedLease,
			steps: append(timeoutTriesRecorded(), []step{
				{0, HookResult{Reason: ReasonTimeout}, []string{
					"log bound: renewal in 24 seconds.",
					"ready",
					"arm +24s",
				}},
				{atArm, Timeout{}, []string{
					"log DHCPREQUEST for 10.0.0.5 on eth0 to 10.0.0.1 port 67",
					"send DHCPREQUEST xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5",
					"arm +4s",
				}},
			}...)},
		{name: "timeout with a stored lease refused", cfg: withTimeout(10 * time.Second), rec: recordedLease,
			steps: append(timeoutTriesRecorded(), refusedTimeout(2)...)},
		// ISC's script_go returns -WTERMSIG, and only 0 uses the lease
		// (dhclient.c state_panic).
		{name: "timeout with a stored lease and a hook a signal ended", cfg: withTimeout(10 * time.Second), rec: recordedLease,
			steps: append(timeoutTriesRecorded(), refusedTimeout(-9)...)},
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
					"log bound: renewal in 86449 seconds.",
					"ready",
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
					"arm +2m37s",
				}},
				{time.Second, HookResult{Reason: ReasonFail}, []string{"ready"}},
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
				{0, HookResult{Reason: ReasonFail}, nil}, // ready only once
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
					"hook FAIL giving up",
					"give up",
				}},
				{time.Hour, Timeout{}, nil},
			}},
	}
}

// timeoutTriesRecorded are the steps of a start with the recorded lease
// of recordedLease and a 10 s timeout that no server answers, up to the
// TIMEOUT hook that tries that lease.
func timeoutTriesRecorded() []step {
	return []step{
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
			"arm +1m25s",
		}},
	}
}

// refusedTimeout are the steps after a TIMEOUT hook that did not accept
// the recorded lease, exiting with code: FAIL, then ready once it ran
// (reference §1.3).
func refusedTimeout(code int) []step {
	return []step{
		{0, HookResult{Reason: ReasonTimeout, ExitCode: code}, []string{
			"deconfigure 10.0.0.5/24",
			"log No working leases in persistent database - sleeping.",
			"hook FAIL",
			"arm +2m37s",
		}},
		{0, HookResult{Reason: ReasonFail}, []string{"ready"}},
	}
}
