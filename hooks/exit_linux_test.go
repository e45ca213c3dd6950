package hooks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// threadsInWait counts this process's threads blocked in waitid or
// wait4, from the system call each is in (/proc/self/task/*/syscall).
func threadsInWait(t *testing.T) int {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	n, read := 0, 0
	for _, task := range tasks {
		b, err := os.ReadFile(filepath.Join("/proc/self/task", task.Name(), "syscall"))
		if err != nil {
			continue // the thread ended meanwhile
		}
		read++
		nr, _, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
		if call, err := strconv.Atoi(nr); err == nil && (call == unix.SYS_WAITID || call == unix.SYS_WAIT4) {
			n++
		}
	}
	if read == 0 {
		t.Fatal("no thread's system call could be read from /proc/self/task")
	}
	return n
}

// Hooks that are running hold no OS thread each: their exits are awaited
// in the poller through pidfds, not in a blocking wait (issue 14). Nor a
// goroutine for that wait: each call has its caller's and the one that
// reads its output.
func TestRunningHooksHoldNoThreads(t *testing.T) {
	if fd, err := unix.PidfdOpen(os.Getpid(), 0); err != nil {
		t.Skip("this kernel has no pidfds (Linux 5.3):", err)
	} else {
		unix.Close(fd)
	}
	const n = 32
	dir := t.TempDir()
	started, gate := filepath.Join(dir, "started"), filepath.Join(dir, "gate")
	if err := os.Mkdir(started, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(gate, 0o600); err != nil {
		t.Fatal(err)
	}
	// Each script marks itself started, then waits until the gate is
	// opened and closed: only builtins, so nothing else runs.
	p := script(t, `: > "$started/$$"; read x < "$gate"; exit 3`)
	env := []string{"started=" + started, "gate=" + gate}

	var r Runner
	before := runtime.NumGoroutine()
	results := make(chan Result, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { results <- r.Run(context.Background(), p, env) })
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if ents, _ := os.ReadDir(started); len(ents) == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scripts did not all start")
		}
	}
	// A blocking wait would show as soon as its goroutine ran; a
	// second of samples while the scripts wait on the gate is ample.
	most, goroutines := 0, 0
	for range 100 {
		most = max(most, threadsInWait(t))
		goroutines = max(goroutines, runtime.NumGoroutine()-before)
		time.Sleep(10 * time.Millisecond)
	}
	gw, err := os.OpenFile(gate, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	gw.Close()
	wg.Wait()
	close(results)
	for res := range results {
		if res.ExitCode != 3 || res.Err != nil {
			t.Errorf("result %+v, want exit code 3", res)
		}
	}
	if most >= n/2 {
		t.Errorf("%d threads blocked in a wait while %d hooks ran: their waits hold threads", most, n)
	}
	// The test's own goroutines, one a call, and a few of the runtime's
	// or the spawner's.
	if goroutines > 2*n+4 {
		t.Errorf("%d goroutines more while %d hooks ran, want at most %d: each call's caller and output reader", goroutines, n, 2*n+4)
	}
}

// wait's outcomes are the same whether the exit is awaited through a
// pidfd or, where the kernel has none, in a blocking wait: a script
// that exits, one that outlasts its context, and one that ignores
// SIGTERM until SIGKILL.
func TestWaitWithAndWithoutPidfd(t *testing.T) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	cases := []struct {
		name, body string
		limit      time.Duration
		want       Result
	}{
		{"exits", "exit 4", time.Minute, Result{ExitCode: 4}},
		{"outlasts its context", "sleep 1000", 100 * time.Millisecond, Result{ExitCode: -15, TimedOut: true}},
		{"ignores SIGTERM", `trap "" TERM; sleep 1000`, 100 * time.Millisecond, Result{ExitCode: -9, TimedOut: true}},
		// A trap's own status is no decision when the timeout ended it.
		{"exits on SIGTERM", `trap "exit 1" TERM; sleep 1000 & wait`, 100 * time.Millisecond, Result{ExitCode: -15, TimedOut: true}},
	}
	for _, pidfd := range []bool{true, false} {
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/pidfd=%t", tc.name, pidfd), func(t *testing.T) {
				p, err := forkHere(script(t, tc.body), []string{}, null)
				if err != nil {
					t.Fatal(err)
				}
				c := &child{Process: p}
				if pidfd {
					if c.exit = watchExit(p); c.exit == nil {
						t.Skip("this kernel has no pidfds (Linux 5.3)")
					}
				}
				ctx, cancel := context.WithTimeout(t.Context(), tc.limit)
				defer cancel()
				res := wait(ctx, c)
				if res.ExitCode != tc.want.ExitCode || res.TimedOut != tc.want.TimedOut || (res.Err != nil) != tc.want.TimedOut {
					t.Errorf("wait = %+v, want exit %d, timed out %t", res, tc.want.ExitCode, tc.want.TimedOut)
				}
				if alive(p.Pid) {
					t.Errorf("script %d still runs after wait returned", p.Pid)
				}
			})
		}
	}
}
