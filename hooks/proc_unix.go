//go:build unix

package hooks

import (
	"fmt"
	"os"
	"syscall"
)

// start executes script with argv [script] and exactly env, stdin from
// /dev/null and stdout/stderr to out, in a new process group so a timeout
// can kill everything the script started. The environment reaches the
// script as built, duplicates included (reference §3.1), which exec.Cmd
// would not keep.
func start(script string, env []string, out *os.File) (*child, error) {
	if env == nil {
		env = []string{} // nil would mean "inherit" to os.StartProcess
	}
	p, err := fork(script, env, out)
	if err != nil {
		return nil, fmt.Errorf("exec hook: %w", err)
	}
	return &child{Process: p, exit: watchExit(p)}, nil
}

// forkHere forks script from the calling thread, the way start does
// where there is no spawner (spawn_linux.go).
func forkHere(script string, env []string, out *os.File) (*os.Process, error) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	defer null.Close()
	return os.StartProcess(script, []string{script}, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{null, out, out},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
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
