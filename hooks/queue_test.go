//go:build unix

package hooks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// blocker is a hook that signals it started by writing to one FIFO and
// then waits until the test writes to another, so tests know exactly
// which call is running without sleeping.
func blocker(t *testing.T) (hook, started, release string) {
	t.Helper()
	dir := t.TempDir()
	started, release = filepath.Join(dir, "started"), filepath.Join(dir, "release")
	for _, f := range []string{started, release} {
		if err := syscall.Mkfifo(f, 0o600); err != nil {
			t.Skip("mkfifo:", err)
		}
	}
	hook = script(t, `echo up > "`+started+`"; read x < "`+release+`"; exit 7`)
	return hook, started, release
}

func TestQueueRunsInOrderWithoutBlockingSubmit(t *testing.T) {
	hook, started, release := blocker(t)
	q := NewQueue(&Runner{})
	var mu sync.Mutex
	var got []int
	record := func(i int) func(Result) {
		return func(r Result) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, i*100+r.ExitCode)
		}
	}
	if !q.Submit(hook, nil, record(1)) {
		t.Fatal("first submit refused")
	}
	if _, err := os.ReadFile(started); err != nil { // the blocker runs now
		t.Fatal(err)
	}
	// The running hook blocks; every later call waits its turn, none is
	// skipped.
	for i := 2; i <= 40; i++ {
		if !q.Submit(script(t, fmt.Sprintf("exit %d", i)), nil, record(i)) {
			t.Fatalf("submit %d refused", i)
		}
	}
	if err := os.WriteFile(release, []byte("go\n"), 0); err != nil {
		t.Fatal(err)
	}
	q.Close()
	want := []int{107}
	for i := 2; i <= 40; i++ {
		want = append(want, i*100+i)
	}
	if !slices.Equal(got, want) {
		t.Errorf("results %v, want %v", got, want)
	}
	if q.Submit(script(t, "exit 0"), nil, nil) {
		t.Error("submit accepted after Close, want false")
	}
	q.Close() // idempotent
}

// A daemon told to stop drops the calls that have not started and ends
// the running one as a timed-out one; Flush does not wait for the dropped
// ones, and a call submitted afterwards (a RELEASE) runs as usual.
func TestQueueDropPending(t *testing.T) {
	hook, started, _ := blocker(t)
	q := NewQueue(&Runner{})
	ran := make(chan Result, 8)
	q.Submit(hook, nil, func(r Result) { ran <- r })
	if _, err := os.ReadFile(started); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		q.Submit(script(t, "exit 1"), nil, func(Result) { ran <- Result{ExitCode: 100 + i} })
	}
	if n := q.DropPending(); n != 3 {
		t.Errorf("dropped %d calls, want 3", n)
	}
	if err := q.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	q.Submit(script(t, "exit 9"), nil, func(r Result) { ran <- r })
	q.Close()
	close(ran)
	var got []Result
	for r := range ran {
		got = append(got, r)
	}
	if len(got) != 2 {
		t.Fatalf("ran %+v, want the running call and the one after the drop", got)
	}
	if r := got[0]; r.ExitCode >= 0 || r.TimedOut || r.Err == nil {
		t.Errorf("running call: %+v, want ended (killed), no decision, not a timeout", r)
	}
	if r := got[1]; r.ExitCode != 9 || r.Err != nil {
		t.Errorf("call after the drop: %+v, want exit 9", r)
	}
}

func TestQueuesOfDifferentInterfacesAreIndependent(t *testing.T) {
	hook, started, release := blocker(t)
	slow, fast := NewQueue(&Runner{}), NewQueue(&Runner{})
	defer slow.Close()
	slow.Submit(hook, nil, nil)
	if _, err := os.ReadFile(started); err != nil {
		t.Fatal(err)
	}
	done := make(chan Result, 1)
	fast.Submit(script(t, "exit 5"), nil, func(r Result) { done <- r })
	if r := <-done; r.ExitCode != 5 { // would hang if queues shared a runner goroutine
		t.Errorf("fast queue exit %d, want 5", r.ExitCode)
	}
	fast.Close()
	if err := os.WriteFile(release, []byte("go\n"), 0); err != nil {
		t.Fatal(err)
	}
}

// TestQueueFlushWaitsForEarlierCalls checks that Flush returns only once
// the calls before it have run and reported, and gives up with ctx.
func TestQueueFlushWaitsForEarlierCalls(t *testing.T) {
	hook, started, release := blocker(t)
	q := NewQueue(&Runner{})
	defer q.Close()
	if err := q.Flush(t.Context()); err != nil {
		t.Fatalf("Flush of an idle queue: %v", err)
	}
	var mu sync.Mutex
	var got []int
	record := func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.ExitCode)
	}
	q.Submit(hook, nil, record)
	if _, err := os.ReadFile(started); err != nil { // the blocker runs now
		t.Fatal(err)
	}
	q.Submit(script(t, "exit 2"), nil, record)

	short, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := q.Flush(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Flush while a hook blocks: %v, want %v", err, context.DeadlineExceeded)
	}
	flushed := make(chan error, 1)
	go func() { flushed <- q.Flush(context.Background()) }()
	if err := os.WriteFile(release, []byte("go\n"), 0); err != nil {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatalf("Flush: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != 7 || got[1] != 2 {
		t.Errorf("results when Flush returned: %v, want [7 2]", got)
	}
}

// The queue's goroutine ends once the queue is empty, and the next call
// starts another: an idle interface holds no goroutine (issue 14). With a
// goroutine kept for the queue's life, the Wait below never returns.
func TestQueueGoroutineOnlyWhileCallsQueued(t *testing.T) {
	q := NewQueue(&Runner{})
	defer q.Close()
	for round := 1; round <= 2; round++ {
		var got Result
		if !q.Submit(script(t, fmt.Sprintf("exit %d", round)), nil, func(r Result) { got = r }) {
			t.Fatalf("round %d: submit refused", round)
		}
		q.wg.Wait() // the goroutine ran the call and ended
		if got.ExitCode != round {
			t.Errorf("round %d: exit code %d, want %d", round, got.ExitCode, round)
		}
		q.mu.Lock()
		running := q.running
		q.mu.Unlock()
		if running {
			t.Errorf("round %d: queue still marked running after its goroutine ended", round)
		}
	}
}
