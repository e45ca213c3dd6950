package client

import "github.com/leased/leased/statemachine"

// In native mode the daemon brings the interface up itself, and PREINIT,
// which ISC's script uses for that, only tells the hooks that an
// exchange begins: it runs off the protocol's path (SPEC §6.5). Off the
// path means off the CPU the exchange needs, too. Forking a hook takes
// a core for the better part of a millisecond: the vfork holds one of
// the runtime's Ps until the child has called exec, and the exec and
// the script's loader take a core. Forked as the DISCOVER goes out, on a
// two-core machine, it delayed the reading of the server's answers by
// 0.5 to 1.2 ms, a tenth of a bind.
//
// So PREINIT is held while the machine awaits the answer to the
// message it has just sent, and handed to the hooks once an answer has
// moved the machine on, at the first retransmission (the server is slow:
// no bind is near), or when another call comes (PREINIT runs first, the
// BOUND hook after it). The hooks still see every call, in order.

// awaitsAnswer reports whether s is a state in which the machine has a
// message out and waits for the server's answer to it.
func awaitsAnswer(s statemachine.State) bool {
	switch s {
	case statemachine.StateSelecting, statemachine.StateRequesting,
		statemachine.StateRebooting, statemachine.StateInforming:
		return true
	}
	return false
}

// holdPreinit keeps call, a PREINIT, for later when the machine, in
// native mode, awaits an answer; it reports whether it did.
func (r *Runner) holdPreinit(call HookCall) bool {
	if r.cfg.ScriptMode || call.Reason != statemachine.ReasonPreinit || !awaitsAnswer(r.m.State()) {
		return false
	}
	r.heldPreinit = &call
	return true
}

// releasePreinit hands the held PREINIT, if any, to the hooks.
func (r *Runner) releasePreinit() {
	if r.heldPreinit == nil {
		return
	}
	call := *r.heldPreinit
	r.heldPreinit = nil
	r.submitHook(call)
}

// settlePreinit releases the held PREINIT once the step of ev has left
// nothing to wait for in a hurry: an answer moved the machine on, or ev
// is the timeout of a retransmission.
func (r *Runner) settlePreinit(ev statemachine.Event) {
	if r.heldPreinit == nil {
		return
	}
	if _, timeout := ev.(statemachine.Timeout); timeout || !awaitsAnswer(r.m.State()) {
		r.releasePreinit()
	}
}
