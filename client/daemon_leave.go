package client

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/statemachine"
)

// How long dhclient -r and -x wait for a daemon to end: one asked
// through its socket releases first; one sent SIGTERM runs no script.
const (
	askedExitWait  = 10 * time.Second
	killedExitWait = time.Second
)

// Leave is dhclient -r (ev is statemachine.Release) and -x
// (statemachine.Stop) on the named interfaces, or on all. The running
// daemon is asked through its control socket. For what no daemon
// answers for, it is ISC's way (SPEC §2, reference §1.5): the process in
// the pid file is ended, and each interface's machine steps ev on the
// lease stored for it, as the daemon's own would. What goes wrong is
// logged; like ISC's, the command succeeds anyway.
func (d *Daemon) Leave(ctx context.Context, ev statemachine.Event) {
	d.init()
	// The daemon's runners end on stop; a release alone would keep them
	// for a later renew, so -r asks for both.
	verbs := []control.Verb{control.VerbStop}
	if _, ok := ev.(statemachine.Release); ok {
		verbs = []control.Verb{control.VerbRelease, control.VerbStop}
	}
	asked := d.askDaemon(verbs)
	if asked.ends {
		d.waitGone(asked.pid, askedExitWait)
	}
	names := asked.unknown
	if !asked.answered {
		names = d.Interfaces
	} else if len(names) == 0 {
		return
	}
	// Another daemon (the one dhclient IFACE started last, whose pid the
	// shared pid file holds) may run the rest, never the one that
	// answered.
	if !asked.answered || readPID(d.PIDPath) != asked.pid {
		d.endRecordedDaemon()
	}
	d.openLeaseFile()
	if len(names) == 0 {
		names = d.store.Interfaces()
	}
	for _, name := range names {
		d.stepStored(ctx, name, ev)
	}
	d.flushLeases()
}

// asked is what the daemon on the control socket did with a leave.
type asked struct {
	answered bool     // a daemon took the requests
	pid      int      // its pid, 0 when unknown
	unknown  []string // named interfaces it does not run
	ends     bool     // it ran no other interface: it ends
}

// askDaemon sends verbs for each named interface (or all) to the
// daemon's control socket.
func (d *Daemon) askDaemon(verbs []control.Verb) asked {
	path := d.controlPath()
	if path == "" {
		return asked{}
	}
	c, err := control.Dial(path)
	if err != nil {
		return asked{}
	}
	defer c.Close()
	a := asked{answered: true, pid: c.ServerPID(), ends: len(d.Interfaces) == 0}
	var running []control.InterfaceStatus // what it runs, for named interfaces
	if !a.ends {
		st, err := c.Do(control.Request{Verb: control.VerbStatus})
		if err != nil {
			return asked{}
		}
		running = st.Interfaces
	}
	names := d.Interfaces
	if len(names) == 0 {
		names = []string{""}
	}
	for _, name := range names {
		for _, v := range verbs {
			_, err := c.Do(control.Request{Verb: v, Interface: name})
			if errors.Is(err, control.ErrUnknownInterface) {
				a.unknown = append(a.unknown, name)
				break
			}
			if err != nil {
				return asked{}
			}
		}
	}
	if !a.ends {
		a.ends = runsOnly(running, names)
	}
	return a
}

// runsOnly reports whether every interface of a daemon's status is one
// of names: the daemon ends once they stop.
func runsOnly(ifaces []control.InterfaceStatus, names []string) bool {
	for _, st := range ifaces {
		if !slices.Contains(names, st.Name) {
			return false
		}
	}
	return true
}

// endRecordedDaemon sends SIGTERM to the process in the pid file, which
// may be ISC dhclient itself, and removes the file. A daemon ended this
// way runs no script and leaves the interface configured.
func (d *Daemon) endRecordedDaemon() {
	pid := readPID(d.PIDPath)
	if pid <= 0 || d.NoPID {
		return
	}
	if signal(pid, syscall.SIGTERM) == nil {
		d.log.Info("Killed old client process")
		d.waitGone(pid, killedExitWait)
	} else {
		d.log.Info("Removed stale PID file")
	}
	os.Remove(d.PIDPath)
}

// stepStored runs ev once on a machine holding the lease stored for name.
func (d *Daemon) stepStored(ctx context.Context, name string, ev statemachine.Event) {
	active, _ := d.store.Active(name, d.start)
	if active == nil {
		return
	}
	rc, err := d.runnerConfig(name)
	if err != nil {
		d.log.Warn("act on stored lease", "iface", name, "err", err)
		return
	}
	defer d.closeQueues() // the hook runs before the command returns
	rc.Recorded = []*statemachine.Lease{active}
	if err := NewRunner(rc).RunOnce(ctx, ev); err != nil {
		d.log.Warn("act on stored lease", "iface", name, "err", err)
	}
}

func signal(pid int, sig os.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	defer p.Release()
	return p.Signal(sig)
}

// readPID returns the pid in path, or 0.
func readPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0
	}
	return pid
}

// waitGone waits until pid has ended or timeout has passed. A process
// cannot be waited for unless it is a child, so its state is polled.
func (d *Daemon) waitGone(pid int, timeout time.Duration) {
	if pid <= 0 || d.System.ProcessAlive == nil {
		return
	}
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for end := time.Now().Add(timeout); d.System.ProcessAlive(pid) && time.Now().Before(end); {
		<-t.C
	}
}
