//go:build linux

package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// Command returns a command that runs argv in the named namespace through
// ip netns exec (which execs argv, so the process keeps the pid).
func Command(ns string, argv ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
}

// Run runs argv in the named namespace, fails t when it fails, and
// returns its combined output.
func Run(t testing.TB, ns string, argv ...string) string {
	t.Helper()
	out, err := Command(ns, argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("in %s: %s: %v\n%s", ns, strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// Proc is a background process started by Start.
type Proc struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // valid once done is closed
}

// Start runs argv in the named namespace in the background, stdout and
// stderr appended to logfile, in its own process group. t.Cleanup stops
// it (see Stop).
func Start(t testing.TB, ns, logfile string, argv ...string) *Proc {
	t.Helper()
	return StartCmd(t, Command(ns, argv...), logfile)
}

// StartCmd is Start for a prepared command (to set Env or Dir).
func StartCmd(t testing.TB, cmd *exec.Cmd, logfile string) *Proc {
	t.Helper()
	f, err := os.OpenFile(logfile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", strings.Join(cmd.Args, " "), err)
	}
	p := &Proc{cmd: cmd, log: logfile, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Stop)
	return p
}

// Pid is the process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// Log is the path of the process's output.
func (p *Proc) Log() string { return p.log }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err is the process's exit error; call it only after Done is closed.
func (p *Proc) Err() error { return p.err }

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Stop sends SIGTERM to the process group, SIGKILL after a grace period,
// and waits for the process to exit. Stopping an exited process is a
// no-op.
func (p *Proc) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	pgid := -p.cmd.Process.Pid
	syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
	}
}

// WaitLog waits until the process's log contains substr, failing t after
// timeout or as soon as the process exits without writing it.
func (p *Proc) WaitLog(t testing.TB, substr string, timeout time.Duration) {
	t.Helper()
	if err := waitFile(p.log, substr, timeout, p.done); err != nil {
		t.Fatalf("%v\n--- %s ---\n%s", err, p.log, tail(p.log))
	}
}

// WaitLog waits until file contains substr, failing t after timeout.
func WaitLog(t testing.TB, file, substr string, timeout time.Duration) {
	t.Helper()
	if err := waitFile(file, substr, timeout, nil); err != nil {
		t.Fatalf("%v\n--- %s ---\n%s", err, file, tail(file))
	}
}

// waitFile polls file for substr: the writer is another process, so
// there is no event to wait on short of inotify.
func waitFile(file, substr string, timeout time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		b, _ := os.ReadFile(file)
		if strings.Contains(string(b), substr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%q not in %s after %v", substr, file, timeout)
		}
		select {
		case <-exited:
			b, _ = os.ReadFile(file)
			if strings.Contains(string(b), substr) {
				return nil
			}
			return fmt.Errorf("process exited before %q appeared in %s", substr, file)
		case <-tick.C:
		}
	}
}

// tail returns the last lines of file for failure messages.
func tail(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-40):], "\n")
}

// Alive reports whether process pid exists and has not exited. A zombie
// counts as exited: where PID 1 does not reap orphans, a daemon that
// exited stays a zombie for good.
func Alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and
	// may itself contain ") ".
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return false
	}
	st := s[i+2]
	return st != 'Z' && st != 'X'
}

// WaitGone waits until pid is no longer Alive, failing t after timeout.
func WaitGone(t testing.TB, pid int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for Alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still running after %v", pid, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killAllIn kills every process left in the named namespace: daemons a
// test started that detached from their Proc. The test process itself is
// spared: ip netns pids goes by the main thread's namespace, which Do may
// have moved when its goroutine ran there.
func killAllIn(t testing.TB, ns string) {
	out, err := exec.Command("ip", "netns", "pids", ns).Output()
	if err != nil {
		return // the namespace is gone or was never made
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid == os.Getpid() || pid == os.Getppid() || pid <= 1 {
			continue
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill %d in %s: %v", pid, ns, err)
		}
		pids = append(pids, pid)
	}
	for _, pid := range pids {
		waitGoneQuiet(pid)
	}
}

// waitGoneQuiet waits up to a few seconds for pid to exit.
func waitGoneQuiet(pid int) {
	for i := 0; i < 250 && Alive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
}

// ErrStillRunning is what RunWithin returns for a command it had to kill.
var ErrStillRunning = errors.New("still running at the limit, killed")

// RunWithin starts cmd and waits for it to exit, killing it when it is
// still running after limit (then the error is ErrStillRunning). The
// command's own failure is returned as from cmd.Wait. The limit only ends
// a run that hung; no test asserts how long a run took.
func RunWithin(cmd *exec.Cmd, limit time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		return ErrStillRunning
	}
}

// ExitCode is the exit status that err from cmd.Wait (or RunWithin)
// carries: 0 for nil; ok is false when err is not an exit status.
func ExitCode(err error) (code int, ok bool) {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, true
	case errors.As(err, &exit):
		return exit.ExitCode(), true
	}
	return -1, false
}
