package client

import (
	"context"
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine"
)

// do carries out one action of the machine.
func (r *Runner) do(ctx context.Context, a statemachine.Action) {
	switch a := a.(type) {
	case statemachine.Send:
		r.send(a)
	case statemachine.Arm:
		r.arm(a.At)
	case statemachine.Configure:
		err := r.cfg.Link.Configure(a.Lease, a.Old)
		if err != nil {
			r.log.Error("configure interface", "addr", a.Lease.Addr, "err", err)
		}
		r.setConfigureErr(err)
		r.openUnicast(a.Lease.Addr)
	case statemachine.Deconfigure:
		r.closeUnicast()
		if err := r.cfg.Link.Deconfigure(a.Lease); err != nil {
			r.log.Error("deconfigure interface", "addr", a.Lease.Addr, "err", err)
		}
		r.setConfigureErr(nil)
	case statemachine.RunHook:
		r.runHook(a)
	case statemachine.Persist:
		if r.cfg.Store != nil {
			if err := r.cfg.Store.Persist(r.cfg.Link.Name(), a.Lease); err != nil {
				r.log.Error("write lease file", "err", err)
			}
		}
	case statemachine.Forget:
		if r.cfg.Store != nil {
			if err := r.cfg.Store.Forget(r.cfg.Link.Name(), a.Lease); err != nil {
				r.log.Error("write lease file", "err", err)
			}
		}
	case statemachine.Probe:
		r.probe(ctx, a.Addr)
	case statemachine.GiveUp:
		r.gaveUp = true
	case statemachine.Ready:
		if !r.ready && r.cfg.OnReady != nil {
			r.cfg.OnReady()
		}
		r.ready = true
	case statemachine.Log:
		r.log.Info(a.Msg)
	case statemachine.Dropped:
		r.countDrop(a.Class, a.Reason)
	case statemachine.LinkLocal:
		r.linkLocalAction(a)
	default:
		panic("client: unknown action " + a.String())
	}
}

// setConfigureErr records how the last configuration of the lease went,
// for status (Status.StateName); nil clears it.
func (r *Runner) setConfigureErr(err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	r.mu.Lock()
	r.status.ConfigureErr = msg
	r.mu.Unlock()
}

// send writes a message: broadcasts through the raw socket, and unicasts
// of a bound client (renewal, release: ciaddr set) through the socket
// bound to the leased address (RFC 2131 §4.4.5), opened here if Configure
// did not — whoever adds the address, and whenever (SPEC §5.0). A unicast
// without ciaddr (DISCOVER to -s) leaves from 0.0.0.0, as ISC's. A
// broadcast with ciaddr (REBINDING) carries the leased address as its IP
// source when the address is on the link, which the unicast socket's bind
// shows (RFC 2131 §4.1: 0.0.0.0 only before the client has an address),
// as ISC's does.
func (r *Runner) send(a statemachine.Send) {
	b, err := a.Msg.MarshalBinary()
	if err != nil {
		r.log.Error("encode message", "err", err)
		return
	}
	from := a.Msg.CIAddr
	bound := from.IsValid() && !from.IsUnspecified()
	if bound {
		r.openUnicast(from)
	}
	// The packet socket receives the replies: opened, and its filter set,
	// before the send, so that no reply can come before either.
	pc, err := r.packetConn()
	if err != nil {
		// A unicast still goes out; its reply is lost, and the next send
		// tries again.
		r.log.Warn("open receive socket", "err", err)
	}
	if err := r.pre.sending(a.Msg.XID, pc); err != nil {
		r.log.Warn("set the socket's xid filter", "err", err)
	}
	sourced, canSource := pc.(SourceConn)
	switch {
	case !isBroadcast(a.To.Addr()) && bound:
		if r.ucast == nil {
			return // logged by openUnicast; from 0.0.0.0 the server would drop it
		}
		err = r.ucast.WriteTo(b, a.To)
	case bound && r.ucast != nil && canSource:
		err = sourced.WriteFrom(b, from, a.To)
	case pc == nil:
		return // logged above
	default:
		err = pc.WriteTo(b, a.To)
	}
	if err != nil {
		r.log.Warn("send", "to", a.To, "err", err)
	}
	r.markSent()
}

// markSent calls OnSent the first time: after the first message, or
// once the machine waits without sending (link down, paused, stopped),
// so that dhclient -nw never waits for a link.
func (r *Runner) markSent() { callOnce(&r.sent, r.cfg.OnSent) }

// markStarted calls OnStarted the first time: at the end of the first
// step, or while it waits for a script-mode hook.
func (r *Runner) markStarted() { callOnce(&r.started, r.cfg.OnStarted) }

// callOnce calls f, if any, unless *done says it was; it sets *done.
func callOnce(done *bool, f func()) {
	if *done {
		return
	}
	*done = true
	if f != nil {
		f()
	}
}

func isBroadcast(a netip.Addr) bool {
	return a == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// arm replaces the single deadline (STYLE §2 "one deadline"); a zero
// time turns the timer off.
func (r *Runner) arm(at time.Time) {
	r.timer.Stop()
	if !at.IsZero() {
		r.timer.Reset(max(time.Until(at), 0))
	}
}

// openUnicast opens the renewal socket for addr, replacing one for
// another address.
func (r *Runner) openUnicast(addr netip.Addr) {
	if r.ucast != nil && r.ucastA == addr {
		return
	}
	r.closeUnicast()
	c, err := r.cfg.Link.OpenUnicast(addr)
	if err != nil {
		// Renewals then go out through the raw socket as broadcasts'
		// fallback; the lease still works.
		r.log.Warn("open unicast socket", "addr", addr, "err", err)
		return
	}
	r.ucast, r.ucastA = c, addr
}

func (r *Runner) closeUnicast() {
	if r.ucast != nil {
		r.ucast.Close()
	}
	r.ucast, r.ucastA = nil, netip.Addr{}
}

// runHook hands a call to the hooks; the exit status comes back as a
// HookResult event. In script mode the runner waits for it, because the
// script configures the interface (SPEC §6.5).
func (r *Runner) runHook(a statemachine.RunHook) {
	if a.Reason == statemachine.ReasonPreinit {
		// The interface comes up at PREINIT (SPEC §5): after an EXPIRE or
		// a NAK; at start Run has just done it, before the socket opened.
		if !r.raised {
			r.up()
		}
		r.raised = false
	}
	if r.cfg.Hooks == nil {
		r.log.Debug("hook", "reason", a.Reason)
		r.pending = append(r.pending, statemachine.HookResult{Reason: a.Reason})
		return
	}
	r.releasePreinit() // it runs first (preinit.go)
	// What the hook does (a script that adds or flushes the address, a
	// consumer that asks dhclientctl) can be seen before this step ends:
	// the status already tells the state the machine is in.
	r.publishStep(a.Reason.String())
	call := HookCall{Interface: r.cfg.Link.Name(), Reason: a.Reason, New: a.New, Old: a.Old, V6OnlyWait: a.V6OnlyWait, GivingUp: a.GivingUp}
	if r.cfg.ScriptMode {
		res := make(chan int, 1)
		r.cfg.Hooks.Run(call, func(code int) { res <- code })
		r.markStarted() // PREINIT of the first step may take its time
		r.inScript.Store(true)
		code := <-res
		r.inScript.Store(false)
		// Stepped before any other event is read (see step).
		r.pending = append(r.pending, statemachine.HookResult{Reason: a.Reason, ExitCode: code})
		return
	}
	if !r.holdPreinit(call) {
		r.submitHook(call)
	}
}

// submitHook queues a call of native mode, whose exit status comes back
// as a posted HookResult.
func (r *Runner) submitHook(call HookCall) {
	r.cfg.Hooks.Run(call, func(code int) {
		r.post(statemachine.HookResult{Reason: call.Reason, ExitCode: code})
	})
}

// probe runs the ARP check off the runner goroutine.
func (r *Runner) probe(ctx context.Context, addr netip.Addr) {
	r.wg.Go(func() {
		conflict, err := r.cfg.Link.Probe(ctx, addr)
		if err != nil {
			r.log.Warn("arp probe", "addr", addr, "err", err)
		}
		r.deliver(statemachine.ProbeResult{Conflict: conflict})
	})
}

// post hands the runner an event from any goroutine, its own included,
// without blocking: the hook queue's goroutine reports results this way,
// so the runner and the queue never wait on each other (SPEC §4 "Never
// stuck").
func (r *Runner) post(ev statemachine.Event) {
	r.inboxMu.Lock()
	r.inbox = append(r.inbox, ev)
	r.inboxMu.Unlock()
	select {
	case r.inboxWake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// firstPosted takes the posted events, in posting order: it returns
// the first and queues the rest in pending, which is stepped before
// anything else is read; nil when none was posted.
func (r *Runner) firstPosted() statemachine.Event {
	r.inboxMu.Lock()
	posted := r.inbox
	r.inbox = nil
	r.inboxMu.Unlock()
	if len(posted) == 0 {
		return nil
	}
	r.pending = append(r.pending, posted[1:]...)
	return posted[0]
}

// deliver queues an event from another goroutine unless the runner ended.
func (r *Runner) deliver(ev statemachine.Event) {
	select {
	case r.events <- ev:
	case <-r.done:
	}
}
