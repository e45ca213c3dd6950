package hooks

import (
	"context"
	"os"
	"path/filepath"
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
// in the poller through pidfds, not in a blocking wait (issue 14).
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
	most := 0
	for range 100 {
		most = max(most, threadsInWait(t))
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
}
