//go:build linux

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/leased/leased/test/lab"
)

// stopGrace is how long stop waits after SIGTERM before SIGKILL.
const stopGrace = 5 * time.Second

// proc is a DHCP client started by startIn.
type proc struct {
	cmd     *exec.Cmd
	started time.Time // just before the fork
	log     string
	done    chan struct{}
	err     error // valid once done is closed
}

// startIn starts argv inside network namespace ns, its output appended to
// logfile, in its own process group. It forks from a thread that has
// entered ns (lab.Do) instead of going through ip netns exec, so that the
// time from started to the address on the link holds only the client's
// own start-up, the same for every client measured.
func startIn(ns, logfile string, argv ...string) (*proc, error) {
	f, err := os.OpenFile(logfile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &proc{cmd: cmd, log: logfile, done: make(chan struct{})}
	err = lab.Do(ns, func() error {
		p.started = time.Now()
		return cmd.Start()
	})
	if err != nil {
		return nil, fmt.Errorf("start %s in %s: %w", strings.Join(argv, " "), ns, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// pid is the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM to the process group, SIGKILL after stopGrace, and
// waits for the process to exit. Stopping an exited process does nothing.
func (p *proc) stop() {
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

// logTail is the end of the process's output, for failure messages.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}
