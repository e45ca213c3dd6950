package statemachine

// Reason is the dhclient-script reason of a hook call (reference §3.2).
type Reason uint8

// Hook reasons. The zero value is not a reason.
const (
	ReasonPreinit Reason = iota + 1 // at start, after EXPIRE and after a NAK
	ReasonBound                     // ACK after DISCOVER/OFFER/REQUEST
	ReasonRenew                     // ACK while renewing (unicast, before T2)
	ReasonRebind                    // ACK after T2 (ISC never emits it; SPEC §13)
	ReasonReboot                    // ACK to an INIT-REBOOT REQUEST
	ReasonExpire                    // lease expired, or NAK with an active lease
	ReasonFail                      // timeout with no usable lease
	ReasonTimeout                   // timeout: trying a stored or fallback lease
	ReasonStop                      // Stop or Pause
	ReasonRelease                   // after DHCPRELEASE was sent
	ReasonIPv4LL                    // link-local address claimed (new_*) or removed (old_*), RFC 3927
	// ReasonV6Only: a requested option 108 came in an OFFER or ACK; ISC
	// 4.4.3's word (dhclient.c start_v6only), with old_* and
	// v6-only-preferred=N.
	ReasonV6Only
	// ReasonInform: the DHCPACK to a DHCPINFORM, new_* holding the address
	// set by hand and the server's parameters. ISC's dhclient has no v4
	// INFORM; the word is dhcpcd's. Scripts that do not know a reason
	// ignore it, as ISC's and Debian's dhclient-script do.
	ReasonInform
)

var reasonNames = [...]string{
	ReasonPreinit: "PREINIT",
	ReasonBound:   "BOUND",
	ReasonRenew:   "RENEW",
	ReasonRebind:  "REBIND",
	ReasonReboot:  "REBOOT",
	ReasonExpire:  "EXPIRE",
	ReasonFail:    "FAIL",
	ReasonTimeout: "TIMEOUT",
	ReasonStop:    "STOP",
	ReasonRelease: "RELEASE",
	ReasonIPv4LL:  "IPV4LL",
	ReasonV6Only:  "V6ONLY",
	ReasonInform:  "INFORM",
}

// String returns ISC's upper-case word, the value of $reason.
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "Reason(" + itoa(int64(r)) + ")"
}

// declinable reports whether a non-zero exit status of the hook for r
// declines the lease (reference §3.2: BOUND, RENEW, REBIND, REBOOT).
func (r Reason) declinable() bool {
	switch r {
	case ReasonBound, ReasonRenew, ReasonRebind, ReasonReboot:
		return true
	}
	return false
}
