package client

import (
	"time"

	"github.com/leased/leased/statemachine"
)

// Links that come up together (a switch restarting, a host reattaching
// its interfaces) would all send their INIT-REBOOT REQUESTs at once, and
// a server whose socket fills drops the rest of the burst, each REQUEST
// lost costing its interface seconds (RFC 2131 §4.4.1 asks clients
// starting together to desynchronise). A LinkUp that restarts the
// machine therefore takes a turn from the daemon's StartPacer, as a
// start does, and waits for it; a LinkDown meanwhile drops it.

// linkEvent returns the event to step for ev, read from the runner's
// control events: nil while a LinkUp waits for its turn.
func (r *Runner) linkEvent(ev statemachine.Event) statemachine.Event {
	r.publishCarrier(ev)
	switch ev.(type) {
	case statemachine.LinkUp:
		r.dropHeldLinkUp()
		if d := r.linkUpTurn(); d > 0 {
			r.log.Debug("link up paced", "interface", r.cfg.Link.Name(), "after", d)
			r.heldUp = time.NewTimer(d)
			r.heldUpC = r.heldUp.C
			return nil
		}
		r.reopen()
	case statemachine.LinkDown:
		r.dropHeldLinkUp()
	}
	return ev
}

// publishCarrier tells watchers the carrier that ev reports.
func (r *Runner) publishCarrier(ev statemachine.Event) {
	carrier := "up"
	if _, down := ev.(statemachine.LinkDown); down {
		carrier = "down"
	}
	r.setStatus(func(s *Status) { s.Carrier = carrier })
}

// linkUpTurn takes a turn for a LinkUp that restarts the machine (it
// does only in LINK-DOWN) and returns how long until it is due.
func (r *Runner) linkUpTurn() time.Duration {
	if r.cfg.Pacer == nil || r.m.State() != statemachine.StateLinkDown {
		return 0
	}
	return r.cfg.Pacer.Reserve(time.Now())
}

// heldLinkUpDue returns the LinkUp held back, its turn come.
func (r *Runner) heldLinkUpDue() statemachine.Event {
	r.heldUp, r.heldUpC = nil, nil
	r.reopen()
	return statemachine.LinkUp{}
}

// dropHeldLinkUp forgets a LinkUp waiting for its turn.
func (r *Runner) dropHeldLinkUp() {
	if r.heldUp != nil {
		r.heldUp.Stop()
		r.heldUp, r.heldUpC = nil, nil
	}
}
