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

// threads is the number of this process's OS threads.
func threads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Threads line in /proc/self/status")
	return 0
}

// Hooks that are running hold no OS thread each: their exits are awaited
// in the poller through pidfds (issue 14).
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
	before := threads(t)

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
	// A wait that blocked a thread would show within the runtime's
	// hand-off period (at most 10 ms); a second of samples is ample.
	most := 0
	for range 100 {
		most = max(most, threads(t))
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
	if most-before >= n/2 {
		t.Errorf("threads went from %d to %d while %d hooks ran: their waits hold threads", before, most, n)
	}
	t.Logf("threads: %d before, at most %d while %d hooks ran", before, most, n)
}
