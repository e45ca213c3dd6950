package statemachine

// State is where the machine is in the RFC 2131 §4.4 client state diagram,
// plus the states leased adds around it (probing, trying a stored lease,
// link down, paused, stopped).
type State uint8

// States. The zero value is StateStopped: a new machine waits for Start.
const (
	StateStopped    State = iota // not started, stopped (Stop) or released
	StateInit                    // waiting before DISCOVER (initial-delay, retry, decline-wait)
	StateSelecting               // DISCOVER sent, collecting offers (RFC 2131 §4.4.1)
	StateRequesting              // REQUEST for a chosen offer sent
	StateBound                   // lease in use, waiting for T1
	StateRenewing                // T1 passed, unicast REQUEST to the server
	StateRebinding               // T2 passed, broadcast REQUEST
	StateInitReboot              // waiting before an INIT-REBOOT REQUEST (initial-delay)
	StateRebooting               // REQUEST for a remembered address sent (RFC 2131 §3.2)
	StateProbing                 // ACK received, ARP check of the new address running
	StateTrying                  // timeout: a stored lease is offered to the TIMEOUT hook
	StateLinkDown                // carrier lost: lease kept, nothing sent
	StatePaused                  // Pause: deconfigured, timers off, lease kept
	StateInforming               // DHCPINFORM sent for the address set by hand (RFC 2131 §3.4)
	StateInformed                // DHCPACK to the INFORM taken; idle until Renew
	StateV6Only                  // option 108: no IPv4 until V6ONLY_WAIT passes (RFC 8925 §3.2)
)

var stateNames = [...]string{
	StateStopped:    "STOPPED",
	StateInit:       "INIT",
	StateSelecting:  "SELECTING",
	StateRequesting: "REQUESTING",
	StateBound:      "BOUND",
	StateRenewing:   "RENEWING",
	StateRebinding:  "REBINDING",
	StateInitReboot: "INIT-REBOOT",
	StateRebooting:  "REBOOTING",
	StateProbing:    "PROBING",
	StateTrying:     "TRYING",
	StateLinkDown:   "LINK-DOWN",
	StatePaused:     "PAUSED",
	StateInforming:  "INFORMING",
	StateInformed:   "INFORMED",
	StateV6Only:     "V6ONLY",
}

// String returns the state's name in RFC 2131 spelling, such as "INIT-REBOOT".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + itoa(int64(s)) + ")"
}

// holding reports whether the state keeps the active lease in use, so that
// its expiry must be reported (EXPIRE) rather than dropped silently.
func (s State) holding() bool {
	switch s {
	case StateBound, StateRenewing, StateRebinding, StateInitReboot, StateRebooting, StateLinkDown:
		return true
	}
	return false
}

// Bound reports whether the state has the active lease configured and in
// use: BOUND, RENEWING or REBINDING.
func (s State) Bound() bool {
	return s == StateBound || s == StateRenewing || s == StateRebinding
}

// Configured reports whether the active lease's address is on the
// interface: the bound states, and LINK-DOWN, which keeps it (SPEC §4).
func (s State) Configured() bool {
	return s.Bound() || s == StateLinkDown
}
