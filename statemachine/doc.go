// Package statemachine is the RFC 2131 DHCPv4 client state machine of
// leased, written as a pure function:
//
//	func (m *Machine) Step(now time.Time, ev Event) []Action
//
// It does no I/O, reads no clock, does not log and takes its randomness
// from Config.Rand. The runner feeds it events (packets, the timer, link
// and control events, hook and ARP results) and carries out the actions
// it returns (send, arm the one timer, configure, run a hook, persist).
// Timing and packets follow ISC dhclient 4.4.3 as measured (reference §6);
// SPEC §13 lists where leased deliberately differs (REBIND is reported).
//
// States and transitions, with the RFC 2131 section of each (figure 5 of
// §4.4, extended by ISC's TIMEOUT/FAIL path and leased's pause, link and
// probe states):
//
//	           Start (PREINIT)                          Start, no usable lease
//	  STOPPED ----------------> INIT-REBOOT ----------------------------+
//	                              |  REQUEST 50, no 54 (§3.2, §4.3.2)   |
//	                              v                                     v
//	                          REBOOTING --- reboot s, or NAK --------> INIT
//	                              |        (§3.2; NAK: EXPIRE)          |
//	                              | ACK: REBOOT                         | DISCOVER (§4.4.1)
//	                              |                                     v
//	     +-- ProbeResult ------ PROBING <------- ACK (arp-check) --- SELECTING <-------+
//	     |  conflict: DECLINE     |                     |             | OFFER          |
//	     |  (§4.4.1)              | clear               |             | (select-timeout)
//	     |                        v                     |             v                |
//	     |   +--------------->  BOUND <------- ACK: BOUND ------- REQUESTING ----------+
//	     |   |  ACK: RENEW     |  ^  |  hook exit > 0: DECLINE        |  reboot s (§4.4.1)
//	     |   |  (§4.4.5)   T1  |  |  +----------------> INIT         |  NAK, no lease: ignored
//	     |   |                 v  |                  (decline-wait)
//	     |   +----------- RENEWING |  ACK: REBIND
//	     |      unicast,  T2 |     |
//	     |      same xid     v     |
//	     |               REBINDING-+
//	     |   broadcast (§4.4.5) | expiry, or NAK while renewing/rebinding:
//	     |                      |   EXPIRE, PREINIT, INIT (§4.4.5)
//	     +--> INIT              v
//	                           INIT
//
//	SELECTING --timeout--> TRYING: each unexpired stored/fallback lease is
//	  configured and offered to the TIMEOUT hook; exit 0 -> BOUND, else the
//	  next; none left -> FAIL, INIT after the retry draw (or GiveUp, -1).
//	any running state --LinkDown--> LINK-DOWN --LinkUp--> INIT-REBOOT
//	any running state --Pause (STOP)--> PAUSED --Resume--> INIT-REBOOT
//	any state --Stop (STOP)--> STOPPED;  --Release (§4.4.6)--> STOPPED
//
// Expiry is a wall-clock deadline checked on every Step, so a lease that
// ran out during suspend is expired on the first event after wake-up.
package statemachine
