//go:build unix

package hooks

import (
	"fmt"
	"os"
	"syscall"
)

// start executes script with argv [script] and exactly env, stdin from
// /dev/null and stdout/stderr to out, in a new process group so a timeout
// can kill everything the script started. os.StartProcess is used rather
// than os/exec because exec.Cmd removes duplicate variables, and the
// environment must reach the script as built (reference §3.1).
func start(script string, env []string, out *os.File) (*child, error) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	defer null.Close()
	if env == nil {
		env = []string{} // nil would mean "inherit" to os.StartProcess
	}
	p, err := os.StartProcess(script, []string{script}, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{null, out, out},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return nil, fmt.Errorf("exec hook: %w", err)
	}
	return &child{Process: p, exit: watchExit(p)}, nil
}

// killGroup signals the process group led by p: SIGTERM first, SIGKILL
// when hard is set. Errors are ignored: the group may already be gone.
func killGroup(p *child, hard bool) {
	sig := syscall.SIGTERM
	if hard {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-p.Pid, sig)
}

// stackLimit returns the soft stack rlimit, which the hook inherits and
// execve sizes its argument space by; 0 when unknown or unlimited.
func stackLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_STACK, &rl); err != nil {
		return 0
	}
	// RLIM_INFINITY differs between systems (and Cur's type); anything
	// this large is more than argSpace's cap anyway.
	if cur := uint64(rl.Cur); cur < 1<<40 {
		return cur
	}
	return 0
}
