package statemachine

import (
	"fmt"
	"net/netip"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Event is something that happened to the interface. The set is closed:
// only the types in this file implement it.
type Event interface {
	isEvent()
	String() string
}

// Start begins operation: PREINIT, then INIT-REBOOT with the active stored
// lease or INIT. It applies only to a machine in StateStopped.
type Start struct{}

// Received is a decoded DHCP message that arrived on port 68 from From,
// the datagram's IP source (invalid when unknown). The machine does all
// filtering (xid, chaddr, client identifier, reject list).
type Received struct {
	Msg  *dhcp4.Message
	From netip.Addr
	// Raw is the datagram Msg was decoded from; an authenticated
	// message (FORCERENEW, RFC 6704) is checked against it.
	Raw []byte
}

// Timeout reports that the deadline of the last Arm has passed. A spurious
// Timeout does nothing.
type Timeout struct{}

// LinkUp reports carrier regained: INIT-REBOOT with the stored lease.
type LinkUp struct{}

// LinkDown reports carrier lost: the lease is kept, nothing is sent.
type LinkDown struct{}

// Pause runs STOP, deconfigures and turns the timers off; the lease is kept
// for Resume (suspend, OMAPI state 3).
type Pause struct{}

// Resume restarts a paused machine with INIT-REBOOT (OMAPI state 4).
type Resume struct{}

// Renew starts renewing at once (control socket "renew").
type Renew struct{}

// Rebind starts rebinding (broadcast REQUEST) at once (control socket "rebind").
type Rebind struct{}

// Release sends DHCPRELEASE, deconfigures, runs RELEASE and stops.
type Release struct{}

// Stop runs STOP, deconfigures and stops; the lease is kept (dhclient -x).
type Stop struct{}

// HookResult is the exit status of a hook call, reported for every
// RunHook the runner carried out. A script a signal ended is reported as
// minus the signal's number, as ISC's script_go returns it: a negative
// status declines no lease (dhclient.c bind_lease: > 0) and accepts no
// TIMEOUT lease (state_panic: only 0 does).
type HookResult struct {
	Reason   Reason
	ExitCode int
}

// ProbeResult is the outcome of a Probe: whether another host answered for
// the address.
type ProbeResult struct{ Conflict bool }

// WokeUp reports that the wall clock jumped or the system resumed from
// suspend: every deadline is re-checked against now.
type WokeUp struct{}

func (Start) isEvent()       {}
func (Received) isEvent()    {}
func (Timeout) isEvent()     {}
func (LinkUp) isEvent()      {}
func (LinkDown) isEvent()    {}
func (Pause) isEvent()       {}
func (Resume) isEvent()      {}
func (Renew) isEvent()       {}
func (Rebind) isEvent()      {}
func (Release) isEvent()     {}
func (Stop) isEvent()        {}
func (HookResult) isEvent()  {}
func (ProbeResult) isEvent() {}
func (WokeUp) isEvent()      {}

// String returns "start".
func (Start) String() string { return "start" }

// String returns "recv" and a one-line summary of the message.
func (e Received) String() string {
	if e.Msg == nil {
		return "recv <nil>"
	}
	return "recv " + summary(e.Msg)
}

// String returns "timeout".
func (Timeout) String() string { return "timeout" }

// String returns "link up".
func (LinkUp) String() string { return "link up" }

// String returns "link down".
func (LinkDown) String() string { return "link down" }

// String returns "pause".
func (Pause) String() string { return "pause" }

// String returns "resume".
func (Resume) String() string { return "resume" }

// String returns "renew".
func (Renew) String() string { return "renew" }

// String returns "rebind".
func (Rebind) String() string { return "rebind" }

// String returns "release".
func (Release) String() string { return "release" }

// String returns "stop".
func (Stop) String() string { return "stop" }

// String returns "hook REASON exit N".
func (e HookResult) String() string { return fmt.Sprintf("hook %s exit %d", e.Reason, e.ExitCode) }

// String returns "probe conflict" or "probe clear".
func (e ProbeResult) String() string {
	if e.Conflict {
		return "probe conflict"
	}
	return "probe clear"
}

// String returns "woke up".
func (WokeUp) String() string { return "woke up" }
