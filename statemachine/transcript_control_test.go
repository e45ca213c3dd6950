package statemachine

import (
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// controlTranscripts cover DECLINE, pause/resume, link events, release
// and stop.
func controlTranscripts() []scenario {
	return []scenario{
		{name: "DECLINE after a non-zero BOUND hook", steps: append(firstBind(), []step{
			{0, HookResult{Reason: ReasonBound, ExitCode: 1}, []string{
				"deconfigure 10.0.0.5/24",
				"forget 10.0.0.5/24",
				"log DHCPDECLINE of 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPDECLINE xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}...)},
		{name: "DECLINE after an ARP conflict", cfg: func(c *Config) { c.ARPCheck = true }, steps: append(firstRequest(), []step{
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
				"persist 10.0.0.6/24",
				"configure 10.0.0.6/24",
				"hook BOUND new=10.0.0.6",
				"log bound to 10.0.0.6 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}...)},
		// ISC's bind_lease declines only client->new: client->active, the
		// lease before the renewal, is asked for again and is the next
		// BOUND's old_*, which Debian's script removes when it differs.
		{name: "DECLINE after a non-zero RENEW hook", setup: bound, steps: append(renewedAtT1(), []step{
			{0, HookResult{Reason: ReasonRenew, ExitCode: 1}, []string{
				"deconfigure 10.0.0.5/24",
				"forget 10.0.0.5/24",
				"log DHCPDECLINE of 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPDECLINE xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
				"arm +10s",
			}},
			{atArm, Timeout{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
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
				"persist 10.0.0.6/24",
				"configure 10.0.0.6/24",
				"hook BOUND new=10.0.0.6 old=10.0.0.5",
				"log bound to 10.0.0.6 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}...)},
		// A script a signal ended made no decision (dhclient.c bind_lease
		// declines on a status > 0; script_go returns -WTERMSIG).
		{name: "a BOUND hook a signal ended declines nothing", steps: append(firstBind(), []step{
			{0, HookResult{Reason: ReasonBound, ExitCode: -15}, []string{"ready"}},
		}...)},
		// ISC runs STOP only for client->active (dhclient.c state_stop).
		{name: "stop without a lease runs no hook", steps: append(firstDiscover(), []step{
			{time.Second, Stop{}, []string{"arm off"}},
		}...)},
		{name: "pause without a lease runs no hook", steps: append(firstDiscover(), []step{
			{time.Second, Pause{}, []string{"arm off"}},
		}...)},
		// A lease shorter than the probe is never used (SPEC §4 "Time").
		{name: "a lease that runs out during the ARP check is not bound", cfg: func(c *Config) { c.ARPCheck = true }, steps: append(firstRequest(), []step{
			{0, Received{Msg: reply(dhcp4.Ack, addr, srv, 3)}, []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"probe 10.0.0.5",
				"arm off",
			}},
			{8 * time.Second, ProbeResult{}, []string{
				"drop lease of 10.0.0.5 ran out during the address check",
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}...)},
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
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		{name: "link down and up", setup: bound, steps: []step{
			{10 * time.Second, LinkDown{}, []string{
				"arm +1m51s",
			}},
			{10 * time.Second, LinkUp{}, []string{
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{0, ack(addr, srv), []string{
				"log DHCPACK of 10.0.0.5 from 10.0.0.1",
				"persist 10.0.0.5/24",
				"configure 10.0.0.5/24 old=10.0.0.5/24",
				"hook REBOOT new=10.0.0.5",
				"log bound to 10.0.0.5 -- renewal in 48 seconds.",
				"arm +48s",
			}},
		}},
		// The carrier goes while the first DISCOVERs go unanswered: the
		// timeout still runs from the first one, as ISC's, which sends
		// into the dead link; FAIL and readiness come then, and the
		// carrier's return starts again.
		{name: "link down before the first lease", cfg: withTimeout(10 * time.Second), steps: append(linkDownMidDiscovery(), []step{
			{atArm, Timeout{}, []string{
				"log No DHCPOFFERS received.",
				"log No working leases in persistent database - sleeping.",
				"hook FAIL",
			}},
			{0, HookResult{Reason: ReasonFail}, []string{"ready"}},
			{time.Minute, LinkUp{}, []string{
				"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
				"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
				"arm +4s",
			}},
		}...)},
		{name: "link down before the first lease, -1", cfg: func(c *Config) { c.OneTry, c.Timeout = true, 10*time.Second }, steps: append(linkDownMidDiscovery(), step{
			atArm, Timeout{}, []string{
				"log No DHCPOFFERS received.",
				"log Unable to obtain a lease on first try.  Exiting.",
				"hook FAIL giving up",
				"give up",
			},
		})},
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
		// dhclient -r with no daemon: a fresh machine releases the
		// stored lease, whose address a killed daemon may have left on
		// the interface (SPEC §2).
		{name: "release of a stored lease without a daemon", rec: recordedLease, steps: []step{
			{0, Release{}, []string{
				"log DHCPRELEASE of 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPRELEASE xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5 server=10.0.0.1",
				"deconfigure 10.0.0.5/24",
				"hook RELEASE old=10.0.0.5",
				"persist 10.0.0.5/24 released",
			}},
		}},
		{name: "release while rebooting removes the stored address", rec: recordedLease, steps: []step{
			{0, Start{}, []string{
				"hook PREINIT",
				"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
				"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5",
				"arm +4s",
			}},
			{time.Second, Release{}, []string{
				"log DHCPRELEASE of 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPRELEASE xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5 server=10.0.0.1",
				"deconfigure 10.0.0.5/24",
				"hook RELEASE old=10.0.0.5",
				"persist 10.0.0.5/24 released",
				"arm off",
			}},
		}},
		{name: "stop keeps the lease", setup: bound, steps: []step{
			{10 * time.Second, Stop{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook STOP old=10.0.0.5",
				"arm off",
			}},
		}},
		// dhclient -x with no daemon: a fresh machine runs STOP with the
		// stored lease, whose address a killed daemon may have left on
		// the interface (SPEC §2, reference §1.5); nothing is sent.
		{name: "stop of a stored lease without a daemon", rec: recordedLease, steps: []step{
			{0, Stop{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook STOP old=10.0.0.5",
			}},
		}},
		// ISC's -x passes old_* from the lease file even when the lease
		// has run out since the daemon was killed.
		{name: "stop of an expired stored lease without a daemon", rec: recordedLease, steps: []step{
			{time.Hour, Stop{}, []string{
				"deconfigure 10.0.0.5/24",
				"hook STOP old=10.0.0.5",
			}},
		}},
		{name: "stop without a stored lease does nothing", steps: []step{
			{0, Stop{}, nil},
		}},
		{name: "stop after a release does nothing", setup: bound, steps: []step{
			{10 * time.Second, Release{}, []string{
				"log DHCPRELEASE of 10.0.0.5 on eth0 to 10.0.0.1 port 67",
				"send DHCPRELEASE xid=0xe to=10.0.0.1:67 ciaddr=10.0.0.5 server=10.0.0.1",
				"deconfigure 10.0.0.5/24",
				"hook RELEASE old=10.0.0.5",
				"persist 10.0.0.5/24 released",
				"arm off",
			}},
			{0, Stop{}, nil},
		}},
	}
}

// firstDiscover is the first step of a machine with no recorded lease:
// PREINIT and the first DHCPDISCOVER.
func firstDiscover() []step {
	return []step{{0, Start{}, []string{
		"hook PREINIT",
		"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
		"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
		"arm +4s",
	}}}
}

// firstRequest is firstDiscover, then the OFFER of addr and the
// DHCPREQUEST for it.
func firstRequest() []step {
	return append(firstDiscover(), step{time.Second, offer(addr, srv), []string{
		"log DHCPOFFER of 10.0.0.5 from 10.0.0.1",
		"log DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67",
		"send DHCPREQUEST xid=0xe to=255.255.255.255:67 requested=10.0.0.5 server=10.0.0.1",
		"arm +4s",
	}})
}

// firstBind is firstRequest, then the DHCPACK that binds addr, its BOUND
// hook yet to report.
func firstBind() []step {
	return append(firstRequest(), step{0, ack(addr, srv), boundFor48s()})
}

// boundFor48s is what the DHCPACK that first binds addr does.
func boundFor48s() []string {
	return []string{
		"log DHCPACK of 10.0.0.5 from 10.0.0.1",
		"persist 10.0.0.5/24",
		"configure 10.0.0.5/24",
		"hook BOUND new=10.0.0.5",
		"log bound to 10.0.0.5 -- renewal in 48 seconds.",
		"arm +48s",
	}
}

// nakedAgain is what a DHCPNAK to the REQUEST for addr, then held,
// does: EXPIRE, and INIT again.
func nakedAgain() []string {
	return []string{
		"log DHCPNAK from 10.0.0.1",
		"deconfigure 10.0.0.5/24",
		"hook EXPIRE old=10.0.0.5",
		"hook PREINIT",
		"log DHCPDISCOVER on eth0 to 255.255.255.255 port 67 interval 4",
		"send DHCPDISCOVER xid=0xe to=255.255.255.255:67",
	}
}

// linkDownMidDiscovery is firstDiscover, then the carrier going 3 s
// later: the 10 s timeout still runs from the DISCOVER.
func linkDownMidDiscovery() []step {
	return append(firstDiscover(), step{3 * time.Second, LinkDown{}, []string{"arm +8s"}})
}
