package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// notifyStatus keeps systemd's STATUS= line in step with the interfaces'
// states and addresses (SPEC §9). Outside systemd Notify is a no-op.
func (d *daemon) notifyStatus(ctx context.Context, b *client.Backend) {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return
	}
	events := b.Watch(ctx)
	for {
		platform.Notify("STATUS=" + statusLine(d.m.Status()))
		select {
		case <-ctx.Done():
			return
		case _, ok := <-events:
			if !ok {
				return
			}
		}
	}
}

// statusLine renders "eth0: BOUND 10.0.0.5/24; eth1: SELECTING".
func statusLine(sts []client.Status) string {
	parts := make([]string, 0, len(sts))
	for _, s := range sts {
		p := s.Interface + ": " + s.State.String()
		if s.Lease != nil && s.State.Configured() {
			p += " " + s.Lease.Prefix().String()
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// watchdog sends WATCHDOG=1 at half the interval systemd asks for, and
// only while every runner loop answers (SPEC §9).
func (d *daemon) watchdog(ctx context.Context) {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return
	}
	every := time.Duration(usec) * time.Microsecond / 2
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, every/2)
		alive := d.m.Ping(pctx)
		cancel()
		if alive {
			platform.Notify("WATCHDOG=1")
		} else {
			d.log.Error("runner loop unresponsive; withholding watchdog keep-alive")
		}
	}
}

// checkSleep re-checks every deadline when the boot clock shows the
// machine slept without telling us (ARCHITECTURE "Time across suspend").
func (d *daemon) checkSleep(skew func() time.Duration) {
	if slept := skew(); slept > time.Second {
		d.log.Info(fmt.Sprintf("system slept for %s; re-checking leases", slept.Round(time.Second)))
		d.m.Send("", statemachine.WokeUp{})
	}
}
