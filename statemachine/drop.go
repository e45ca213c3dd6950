package statemachine

// DropClass says why a received message was dropped, in the few classes
// that status counts (SPEC §10: malformed packets are dropped and
// counted). The Reason of Dropped has the detail.
type DropClass uint8

// Drop classes.
const (
	// DropMalformed: the datagram did not decode; the runner counts these
	// before the machine sees anything.
	DropMalformed DropClass = iota
	// DropNotOurs: for another client or another exchange: not a
	// BOOTREPLY, another htype, chaddr, xid or client identifier.
	DropNotOurs
	// DropUnexpected: a message the state does not expect (an OFFER while
	// bound, a NAK without a request), or any while not listening.
	DropUnexpected
	// DropRejected: from a server on the reject list.
	DropRejected
	// DropUnusable: an offer or ack that cannot be a lease (unusable
	// address, zero lease time, a required option missing, a repeat).
	DropUnusable
	// DropUnauthenticated: a DHCPFORCERENEW without a valid RFC 6704
	// digest under the server's reconfigure key, or a replay.
	DropUnauthenticated

	NumDropClasses = int(DropUnauthenticated) + 1
)

var dropClassNames = [NumDropClasses]string{"malformed", "not-ours", "unexpected", "rejected", "unusable", "unauthenticated"}

// String names the class as status shows it.
func (c DropClass) String() string {
	if int(c) < len(dropClassNames) {
		return dropClassNames[c]
	}
	return "unknown"
}
