//go:build unix

package hooks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
	q := NewQueue(&Runner{}, 2)
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
	// The running hook blocks; two more fit the backlog, a third does not.
	if !q.Submit(script(t, "exit 2"), nil, record(2)) || !q.Submit(script(t, "exit 3"), nil, record(3)) {
		t.Fatal("submit refused while the backlog has room")
	}
	if q.Submit(script(t, "exit 4"), nil, record(4)) {
		t.Error("submit accepted beyond the backlog, want false")
	}
	if err := os.WriteFile(release, []byte("go\n"), 0); err != nil {
		t.Fatal(err)
	}
	q.Close()
	want := []int{107, 202, 303}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("results %v, want %v", got, want)
	}
	if q.Submit(script(t, "exit 0"), nil, nil) {
		t.Error("submit accepted after Close, want false")
	}
	q.Close() // idempotent
}

func TestQueuesOfDifferentInterfacesAreIndependent(t *testing.T) {
	hook, started, release := blocker(t)
	slow, fast := NewQueue(&Runner{}, 1), NewQueue(&Runner{}, 1)
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
	q := NewQueue(&Runner{}, 2)
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
