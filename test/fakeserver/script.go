package fakeserver

import (
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Step changes how the server answers the messages it matches. A Script is
// an ordered list of steps: each received message is matched against the
// first step whose type fits and whose count is not used up, and that step
// applies to it alone. A message that no step matches is answered normally.
type Step struct {
	// On is the message type the step matches; 0 matches every type.
	On dhcp4.MessageType
	// Count is how many matching messages the step covers; 0 means all.
	Count int
	// Drop leaves the message unanswered (it is still recorded).
	Drop bool
	// NAK answers with a DHCPNAK instead of the normal reply.
	NAK bool
	// ServerID, when valid, replaces option 54 of the reply, as a second
	// server or a server that changed its address would send it.
	ServerID netip.Addr
	// LeaseTime, when non-zero, replaces option 51 of the reply.
	LeaseTime time.Duration
	// Malformed sends only the first bytes of the reply, which no parser
	// accepts (RFC 2131 §2: the fixed header alone is 236 bytes).
	Malformed bool
	// Delay postpones the reply.
	Delay time.Duration
	// Edit, when set, is the last change made to the reply message.
	Edit func(*dhcp4.Message)
}

// Script is the list of steps a Server follows.
type Script []Step

// scriptState tracks how often each step was used.
type scriptState struct {
	steps Script
	used  []int
}

func newScriptState(s Script) scriptState {
	return scriptState{steps: s, used: make([]int, len(s))}
}

// next returns the step that applies to a message of type mt and uses it
// up once, or false when the message is to be answered normally.
func (st *scriptState) next(mt dhcp4.MessageType) (Step, bool) {
	for i, s := range st.steps {
		if s.On != 0 && s.On != mt {
			continue
		}
		if s.Count != 0 && st.used[i] >= s.Count {
			continue
		}
		st.used[i]++
		return s, true
	}
	return Step{}, false
}
