package client

import (
	"context"

	"github.com/leased/leased/statemachine"
)

// Requests that run on the runner goroutine through its ctl channel:
// they see the machine between two steps.

// Reconfigure gives the machine a new configuration without dropping
// its lease (SIGHUP): build's for the host's name now, and build's again
// when the name changes (RunnerConfig.Rebuild). It returns false when the
// runner has stopped.
func (r *Runner) Reconfigure(build func(hostname string) statemachine.Config) bool {
	select {
	case r.ctl <- func() {
		r.cfg.Rebuild = build
		h := r.hostname
		if r.cfg.Hostname != nil {
			h = r.cfg.Hostname()
		}
		r.reconfigure(build(h), h)
	}:
		return true
	case <-r.done:
		return false
	}
}

// SendWait is Send that returns once the runner has stepped ev and
// carried out its actions (hooks are queued, not awaited): suspend must
// not proceed before the interfaces are paused.
func (r *Runner) SendWait(ev statemachine.Event) bool {
	stepped := make(chan struct{})
	select {
	case r.ctl <- func() { r.step(r.ctx, ev); close(stepped) }:
		<-stepped
		return true
	case <-r.done:
		return false
	}
}

// Ping reports whether the runner's loop answers within ctx: the
// liveness the systemd watchdog asks for. A runner that has ended holds
// nothing up (an interface stopped while the daemon runs others), and one
// waiting for its script is busy for at most hook-timeout, not stuck.
func (r *Runner) Ping(ctx context.Context) bool {
	if r.inScript.Load() {
		return true
	}
	select {
	case r.ctl <- func() {}:
		return true
	case <-r.done:
		return true
	case <-ctx.Done():
		return r.inScript.Load()
	}
}
