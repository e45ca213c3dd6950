package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/control"
	"github.com/leased/leased/statemachine"
)

// runRelease is dhclient -r (release) and -x (exit): ask the running
// daemon through its control socket; if none answers, do it ISC's way:
// end the process in the pid file, then act on the lease file (SPEC §2,
// reference §1.5).
func runRelease(f *Flags, cfg *config.Config, stderr io.Writer) int {
	log := newLogger(f, stderr)
	// The daemon's runners end on stop; a release alone would keep them
	// for a later renew, so -r asks for both.
	verbs := []control.Verb{control.VerbRelease, control.VerbStop}
	if f.Action == ActionExit {
		verbs = verbs[1:]
	}
	if askDaemon(f, cfg, verbs) {
		waitGone(readPID(f.PIDPath), 10*time.Second)
		return 0
	}
	if pid := readPID(f.PIDPath); pid > 0 && !f.NoPID {
		if syscall.Kill(pid, syscall.SIGTERM) == nil {
			log.Info("Killed old client process")
			waitGone(pid, time.Second)
		} else {
			log.Info("Removed stale PID file")
		}
		os.Remove(f.PIDPath)
	}
	env := newDaemonEnv(f, cfg, log)
	names := f.Interfaces
	if len(names) == 0 {
		names = env.file.Interfaces()
	}
	for _, name := range names {
		actOnStoredLease(env, name, f.Action)
	}
	return 0
}

// askDaemon sends verbs for each named interface (or all) to the daemon's
// control socket; false when no daemon answers.
func askDaemon(f *Flags, cfg *config.Config, verbs []control.Verb) bool {
	path := cfg.Global.ControlSocket
	if path == "" {
		path = control.SocketPath(f.PIDPath)
	}
	c, err := control.Dial(path)
	if err != nil {
		return false
	}
	defer c.Close()
	names := f.Interfaces
	if len(names) == 0 {
		names = []string{""}
	}
	for _, name := range names {
		for _, v := range verbs {
			_, err := c.Do(control.Request{Verb: v, Interface: name})
			if err != nil && !errors.Is(err, control.ErrUnknownInterface) {
				return false
			}
		}
	}
	return true
}

// actOnStoredLease releases (-r) or stops (-x) the lease stored for name.
func actOnStoredLease(env *daemonEnv, name string, action Action) {
	active, _ := env.file.Active(name, env.now)
	if active == nil {
		return
	}
	rc, queue, err := env.runnerConfig(name)
	if err != nil {
		env.log.Warn("release", "iface", name, "err", err)
		return
	}
	defer queue.Close()
	if action == ActionExit {
		// STOP with the stored lease, the address removed first as the
		// daemon's own stop does (SPEC §5); unlike ISC no stray
		// DHCPREQUEST follows (SPEC §13).
		if err := rc.Link.Deconfigure(active); err != nil {
			env.log.Warn("remove address", "iface", name, "err", err)
		}
		rc.Hooks.Run(client.HookCall{Interface: name, Reason: statemachine.ReasonStop, Old: active}, nil)
		return
	}
	if active.ExpiredAt(env.now) {
		return
	}
	rc.Recorded = []*statemachine.Lease{active}
	if err := client.NewRunner(rc).RunOnce(context.Background(), statemachine.Release{}); err != nil {
		env.log.Warn("release", "iface", name, "err", err)
	}
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

// waitGone waits until pid has exited (a zombie counts as gone, since it
// may have no parent to reap it) or the timeout passed.
func waitGone(pid int, timeout time.Duration) {
	if pid <= 0 {
		return
	}
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if !alive(pid) {
			return
		}
	}
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
