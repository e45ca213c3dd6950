package client

import (
	"context"
	"strings"
	"time"
)

// What the service manager hears (SPEC §9): READY=1, STATUS=, WATCHDOG=1
// and STOPPING=1, through System.Notify.

// signalReady waits until every interface has bound or timed out once,
// then lets the parent process return (OnReady) and tells systemd.
func (d *Daemon) signalReady(ctx context.Context) {
	select {
	case <-d.mgr.Ready():
		// The leases that made the daemon ready are on disk before anyone
		// is told: a caller of dhclient that reads the lease file once the
		// parent returns (cloud-init) finds them, even those whose write
		// the lease file's write gap put off.
		d.flushLeases()
		if d.OnReady != nil {
			d.OnReady()
		}
		d.notify("READY=1")
	case <-ctx.Done():
	}
}

// signalSent waits until every interface has sent its first message,
// then calls OnSent.
func (d *Daemon) signalSent(ctx context.Context) {
	select {
	case <-d.mgr.Sent():
		if d.OnSent != nil {
			d.OnSent()
		}
	case <-ctx.Done():
	}
}

// notify sends state to systemd; outside systemd it does nothing.
func (d *Daemon) notify(state string) {
	if d.System.Notify == nil {
		return
	}
	if err := d.System.Notify(state); err != nil {
		d.log.Debug("notify service manager", "err", err)
	}
}

// statusChanges returns a channel that holds a value whenever a runner
// stepped since it was last read. The observer never blocks the runner.
func (d *Daemon) statusChanges() <-chan struct{} {
	ch := make(chan struct{}, 1)
	d.mgr.observe(func(Status) {
		select {
		case ch <- struct{}{}:
		default: // one pending wake-up covers every change
		}
	})
	return ch
}

// notifyStatus keeps systemd's STATUS= line in step with the interfaces'
// states and addresses.
func (d *Daemon) notifyStatus(ctx context.Context, changed <-chan struct{}) {
	last := ""
	for {
		if line := StatusLine(d.mgr.Status()); line != last {
			d.notify("STATUS=" + line)
			last = line
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// StatusLine renders "eth0: BOUND 10.0.0.5/24; eth1: SELECTING": the
// address only while it is configured.
func StatusLine(sts []Status) string {
	parts := make([]string, 0, len(sts))
	for _, s := range sts {
		p := s.Interface + ": " + s.StateName()
		if s.Lease != nil && s.State.Configured() {
			p += " " + s.Lease.Prefix().String()
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// watchdog sends WATCHDOG=1 at half the interval systemd asks for, and
// only while every runner loop answers: a stuck runner lets systemd
// restart the daemon.
func (d *Daemon) watchdog(ctx context.Context) {
	every := d.System.Watchdog / 2
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, every/2)
		alive := d.mgr.Ping(pctx)
		cancel()
		if alive {
			d.notify("WATCHDOG=1")
		} else {
			d.log.Error("runner loop unresponsive; withholding watchdog keep-alive")
		}
	}
}
