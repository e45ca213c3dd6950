package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/leased/leased/statemachine"
)

// Watches of the system that feed every runner: carrier changes (SPEC
// §4) and logind's suspend announcements (SPEC §1.4, §9).

// How soon a failed watch is started again: after watchRetryMin, then
// twice as long after each failure in a row, at most watchRetryMax. A
// subscription that lasted watchRetryMax counts as a fresh start. A
// netlink socket overrun or a restarted D-Bus must not end the watch for
// the daemon's lifetime, nor turn into a busy loop when it fails at once.
const (
	watchRetryMin = time.Second
	watchRetryMax = time.Minute
)

var errWatchEnded = errors.New("ended")

// resubscribe runs watch until ctx ends, starting it again after it
// returns; failures are logged at level.
func (d *Daemon) resubscribe(ctx context.Context, what string, level slog.Level, watch func(context.Context) error) {
	delay := watchRetryMin
	for {
		began := time.Now()
		err := watch(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errWatchEnded
		}
		if time.Since(began) >= watchRetryMax {
			delay = watchRetryMin
		}
		d.log.Log(ctx, level, what+" failed; retrying", "err", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, watchRetryMax)
	}
}

// watchLinks turns carrier changes into LinkUp and LinkDown. The first
// report of each interface only records its state. The states outlive a
// subscription: the one after a failure starts with the full list, and a
// change missed meanwhile shows as a difference.
func (d *Daemon) watchLinks(ctx context.Context) {
	up := make(map[string]bool)
	d.resubscribe(ctx, "link watch", slog.LevelWarn, func(ctx context.Context) error {
		return d.System.WatchLinks(ctx, func(name string, now bool) {
			// Carrier changes follow a resume; an unannounced sleep
			// shows in the boot clock.
			d.checkSleep()
			was, known := up[name]
			up[name] = now
			switch {
			case !known || was == now:
			case now:
				d.mgr.Send(name, statemachine.LinkUp{})
			default:
				d.mgr.Send(name, statemachine.LinkDown{})
			}
		})
	})
}

// checkSleep re-checks every deadline when the boot clock shows the
// system slept without telling us (ARCHITECTURE "Time across suspend").
func (d *Daemon) checkSleep() {
	if d.System.SleptFor == nil {
		return
	}
	if slept := d.System.SleptFor(); slept > time.Second {
		d.log.Info(fmt.Sprintf("system slept for %s; re-checking leases", slept.Round(time.Second)))
		d.mgr.Send("", statemachine.WokeUp{})
	}
}

// watchSleep pauses every interface before a suspend and resumes them
// after it. Without logind the daemon carries on without, trying again
// now and then.
func (d *Daemon) watchSleep(ctx context.Context) {
	d.resubscribe(ctx, "sleep watch", slog.LevelDebug, func(ctx context.Context) error {
		return d.System.WatchSleep(ctx, func(suspending bool) { d.sleep(ctx, suspending) })
	})
}

// configuresAny reports whether leased configures any interface itself
// (not configure-interface script): the sleep watch, and the logind
// lock it takes, serve only those (sleep).
func (d *Daemon) configuresAny() bool {
	return d.mgr.each("", func(r *Runner) bool { return !r.cfg.ScriptMode })
}

// sleep pauses or resumes every interface leased configures. The
// suspend waits for it to return (logind's delay lock), so a pause
// returns only once the addresses are removed and the STOP hooks have
// run, each bounded by hook-timeout. An interface whose script
// configures it (configure-interface script: NetworkManager's
// nm-dhcp-helper, cloud-init's) is left to the program that brought the
// script, as ISC dhclient does nothing on a suspend: a STOP made
// NetworkManager drop its lease and start its DHCP timeout, and it
// restarts DHCP itself on the wake-up.
func (d *Daemon) sleep(ctx context.Context, suspending bool) {
	native := func(send func(*Runner) bool) func(*Runner) bool {
		return func(r *Runner) bool { return !r.cfg.ScriptMode && send(r) }
	}
	if !suspending {
		d.log.Info("system woke up; resuming")
		d.mgr.each("", native(func(r *Runner) bool { return r.Send(statemachine.Resume{}) }))
		return
	}
	d.log.Info("system going to sleep; pausing")
	d.mgr.each("", native(func(r *Runner) bool { return r.SendWait(statemachine.Pause{}) }))
	for _, q := range d.queues {
		q.Flush(ctx)
	}
}
