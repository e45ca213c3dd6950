package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultTimeout is how long a hook may run when Runner.Timeout is zero
// (SPEC §6.5). ISC dhclient waits forever (reference §3.1); a hung hook
// must not hold an interface's lease hostage.
const DefaultTimeout = 30 * time.Second

// killGrace is how long a timed-out hook's process group has between
// SIGTERM and SIGKILL, so well-behaved scripts can remove temp files.
const killGrace = 2 * time.Second

// drainGrace is how long the runner keeps reading output after the script
// exited: a background child that inherited stdout must not keep the
// runner waiting for an EOF that may never come.
const drainGrace = time.Second

// maxOutput bounds Result.Output; every line is still logged.
const maxOutput = 64 << 10

// Runner executes hook scripts the way ISC dhclient does (reference §3.1):
// execve(script, [script], env), never through a shell, with nothing of the
// daemon's own environment. The zero value is ready to use.
type Runner struct {
	// Timeout bounds one run; zero means DefaultTimeout. On expiry the
	// script's whole process group gets SIGTERM, then SIGKILL.
	Timeout time.Duration
	// Log receives the script's output, line by line at info level, and
	// failures. Nil discards.
	Log *slog.Logger
	// Turn, when not nil, is shared with other Runners: one script runs
	// at a time among them, for its Hold at most. The wait for it does
	// not count against Timeout.
	Turn *Turn
}

// Result is the outcome of one run.
//
// ExitCode follows ISC's script_go (dhclient.c): the exit status when the
// script exited, minus the number of the signal that ended it (the
// timeout's too), and 0 when it could not be executed, as ISC's child
// exits 0 after a failed execve. A negative code declines nothing and
// does not accept a TIMEOUT lease (statemachine.HookResult). Err says why
// in the last two cases and is nil for a script that exited, whatever its
// status.
type Result struct {
	ExitCode int
	Err      error
	TimedOut bool
	Output   []byte // stdout and stderr interleaved, at most 64 KiB
}

// Run executes script with exactly env as its environment and waits for it,
// for at most the timeout or until ctx is done, once it has its Turn.
// Output goes to the log tagged with the hook path and the reason found
// in env.
func (r *Runner) Run(ctx context.Context, script string, env []string) Result {
	log := r.logger().With("hook", script, "reason", reasonOf(env))
	turn, ok := r.Turn.take(ctx)
	if !ok {
		// Ended by the caller (the daemon stopping) while another
		// interface's script ran: as a script it had ended.
		log.Log(context.Background(), LevelNotice, "hook not run, daemon stopping", "interface", envValue(env, "interface"))
		return Result{ExitCode: -int(syscall.SIGTERM), Err: ctx.Err()}
	}
	defer r.Turn.give(turn)
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	env = fit(log, script, env)
	rd, wr, err := os.Pipe()
	if err != nil {
		return r.execFailed(log, fmt.Errorf("hook output pipe: %w", err))
	}
	defer rd.Close()
	p, err := start(script, env, wr)
	wr.Close() // the child holds its own copy
	if err != nil {
		return r.execFailed(log, err)
	}

	out := make(chan []byte, 1)
	go func() { out <- logLines(rd, log) }()

	res := wait(ctx, p)
	if res.TimedOut {
		log.Warn("hook timed out, killed", "timeout", timeout)
	}
	select {
	case res.Output = <-out:
	case <-time.After(drainGrace):
		rd.Close() // unblocks the reader
		res.Output = <-out
	}
	logOutcome(log, res, envValue(env, "interface"))
	return res
}

// execFailed reports a script that could not be started. ISC's child logs
// the execve error and exits 0, so the state machine sees success; we do
// the same and keep the error for the log and the caller.
func (r *Runner) execFailed(log *slog.Logger, err error) Result {
	log.Error("hook exec", "err", err)
	return Result{Err: err}
}

// fit leaves out of env what execve would refuse (fitEnv) and logs each
// variable it leaves out, so the hook still runs (issue 12).
func fit(log *slog.Logger, script string, env []string) []string {
	kept, dropped := fitEnv(script, env, argSpace(stackLimit()))
	for _, name := range dropped {
		log.Warn("hook environment over the execve limit, variable left out", "var", name)
	}
	return kept
}

func (r *Runner) logger() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

// child is a running hook: its process and, where the kernel has them,
// its pidfd, through which its exit is awaited in the runtime's poller
// on the caller's goroutine (awaitExit). Without one, a goroutine of its
// own waits in a blocking wait (reaped).
type child struct {
	*os.Process
	exit   *os.File    // nil: awaited in a blocking wait
	reaped chan Result // that wait's result, once started
}

// exitedBefore waits until c has exited, true, or ctx is done, false.
func (c *child) exitedBefore(ctx context.Context) bool {
	if c.exit != nil {
		return awaitExit(ctx, c.exit)
	}
	if c.reaped == nil {
		c.reaped = make(chan Result, 1)
		go func() { c.reaped <- c.collect() }()
	}
	select {
	case res := <-c.reaped:
		c.reaped <- res // for result
		return true
	case <-ctx.Done():
		return false
	}
}

// result collects the status of c, which has exited (exitedBefore).
func (c *child) result() Result {
	if c.reaped != nil {
		return <-c.reaped
	}
	return c.collect()
}

// collect reaps c, waiting for its exit when it has not yet exited.
func (c *child) collect() Result {
	st, err := c.Wait()
	if c.exit != nil {
		c.exit.Close()
	}
	if err != nil {
		return Result{Err: fmt.Errorf("wait for hook: %w", err)}
	}
	return fromState(st)
}

// wait waits for p. When ctx ends first, the script's process group gets
// SIGTERM, and SIGKILL once the script has gone or after killGrace, so
// children that ignore SIGTERM or outlive the script die too.
func wait(ctx context.Context, p *child) Result {
	if p.exitedBefore(ctx) {
		return p.result()
	}
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	killGroup(p, false)
	grace, cancel := context.WithTimeout(context.Background(), killGrace)
	p.exitedBefore(grace)
	cancel()
	killGroup(p, true)
	res := p.result()
	// Ended by us: read as a script a signal ended, even if a trap
	// handler exited with a status of its own.
	if res.ExitCode >= 0 {
		res.ExitCode = -int(syscall.SIGTERM)
	}
	res.TimedOut = timedOut
	if res.Err == nil || !timedOut {
		// Ended by the caller (the daemon stopping): say so, not how.
		res.Err = ctx.Err()
	}
	return res
}

// fromState maps a wait status to ISC's script_go: the exit status, or
// -WTERMSIG for a script a signal ended.
func fromState(st *os.ProcessState) Result {
	if st.Exited() {
		return Result{ExitCode: st.ExitCode()}
	}
	res := Result{Err: fmt.Errorf("hook ended by %s", st)}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.ExitCode = -int(ws.Signal())
	}
	return res
}

// LevelNotice is the log level of leased's own notices, which ISC never
// prints (client.LevelNotice).
const LevelNotice = slog.LevelInfo - 2

// logOutcome logs how a call of iface's hook ended.
func logOutcome(log *slog.Logger, res Result, iface string) {
	switch {
	case errors.Is(res.Err, context.Canceled):
		// The daemon is stopping (SIGTERM): ISC leaves its script
		// running and says nothing; a notice, outside ISC's stream. It
		// names the interface: the daemon ends the running call of each.
		log.Log(context.Background(), LevelNotice, "hook ended, daemon stopping", "interface", iface)
	case res.Err != nil:
		log.Warn("hook failed", "err", res.Err)
	case res.ExitCode != 0:
		// ISC says nothing of an exit status (script_go): a notice,
		// outside ISC's stream.
		log.Log(context.Background(), LevelNotice, "hook exited", "status", res.ExitCode)
	default:
		log.Debug("hook exited", "status", 0)
	}
}

// reasonOf returns the value of reason= (or NBI's REASON=) in env.
func reasonOf(env []string) string {
	if v := envValue(env, "reason"); v != "" {
		return v
	}
	return envValue(env, "REASON")
}

// envValue is the value of name in env, or "".
func envValue(env []string, name string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// outputBufs holds the buffers hook output is read into. A start-up runs
// two hooks on each interface, most of which print nothing, and a buffer
// of its own for each call was half of a call's garbage (issue 14).
var outputBufs = sync.Pool{New: func() any { return new([4096]byte) }}

// logLines copies r into the log, one record per line, and returns the
// first maxOutput bytes. Over-long lines are split so memory stays bounded.
func logLines(r io.Reader, log *slog.Logger) []byte {
	var kept, line []byte
	b := outputBufs.Get().(*[4096]byte)
	defer outputBufs.Put(b)
	buf := b[:]
	emit := func() {
		log.Info("hook output", "line", string(line))
		line = line[:0]
	}
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if room := maxOutput - len(kept); room > 0 {
			kept = append(kept, chunk[:min(room, n)]...)
		}
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				line = append(line, chunk...)
				if len(line) >= 4096 {
					emit()
				}
				break
			}
			line = append(line, chunk[:i]...)
			emit()
			chunk = chunk[i+1:]
		}
		if err != nil {
			break
		}
	}
	if len(line) > 0 {
		emit()
	}
	return kept
}
