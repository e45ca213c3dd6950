package client

import (
	"context"
	"sync"
	"time"
)

// Main is Run as one dhclient process (SPEC §2); it returns the exit
// status. The pid file (-pf, none under --no-pid) is written where
// ISC's is: at start under -d or -nw, else once every interface is
// ready, and removed at the end. Detach, when set, tells the parent of a
// daemon-mode child to return: with 0 once every interface is ready, or
// under -nw once each has sent its first message; a child that ends
// before then hands the parent its exit status, as ISC's finish() does
// (reference §1.3): 2 under -1, 0 when there was no interface (NBI).
// Main sets OnStart, OnSent and OnReady.
func (d *Daemon) Main(ctx context.Context) int {
	pid := &PIDFile{Path: d.PIDPath, Log: d.Log}
	if d.NoPID {
		pid.Path = ""
	}
	var once sync.Once // OnSent and OnReady run on goroutines of their own
	detach := func(code int) {
		if d.Detach != nil {
			once.Do(func() { d.Detach(code) })
		}
	}
	d.OnStart = func() {
		if d.Foreground || d.NoWait {
			pid.Write()
		}
	}
	d.OnSent = func() {
		if d.NoWait {
			detach(0)
		}
	}
	d.OnReady = func() {
		pid.Write()
		detach(0)
		if t := d.handBackReady(time.Now(), ctx.Done()); t != nil {
			d.mgr.observe(t.observe)
		}
	}
	code := ExitCode(d.Run(ctx))
	pid.Remove()
	detach(code)
	return code
}
