//go:build unix

package hooks

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Two interfaces' scripts sharing a Turn run one after the other: the
// second starts only once the first has ended, however long the first
// takes, as under ISC's single process.
func TestTurnRunsOneScriptAtATime(t *testing.T) {
	dir := t.TempDir()
	first := script(t, `touch "$DIR/first-started"
while [ ! -e "$DIR/go" ]; do sleep 0.01; done
touch "$DIR/first-ended"`)
	second := script(t, `[ -e "$DIR/first-ended" ] && touch "$DIR/second-saw-first-end"
touch "$DIR/second-started"`)
	env := []string{"DIR=" + dir}
	turn := &Turn{Hold: time.Hour} // however loaded the machine
	done := make(chan Result, 2)
	go func() { done <- (&Runner{Turn: turn}).Run(context.Background(), first, env) }()
	waitFile(t, filepath.Join(dir, "first-started"))
	go func() { done <- (&Runner{Turn: turn}).Run(context.Background(), second, env) }()
	// Time for the second script to start if nothing held it back; it
	// must not have.
	for range 30 {
		if exists(filepath.Join(dir, "second-started")) {
			t.Fatal("the second script started while the first ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if res := <-done; res.ExitCode != 0 || res.Err != nil {
			t.Errorf("a script ended %d, %v", res.ExitCode, res.Err)
		}
	}
	if !exists(filepath.Join(dir, "second-saw-first-end")) {
		t.Error("the second script ran before the first had ended")
	}
}

// A script still running after its Turn's Hold holds the others back no
// longer: the next one runs, and ends, while it still runs.
func TestTurnHoldEndsWithSlowScript(t *testing.T) {
	dir := t.TempDir()
	slow := script(t, `touch "$DIR/slow-started"
while [ ! -e "$DIR/go" ]; do sleep 0.01; done`)
	next := script(t, `touch "$DIR/next-ran"`)
	env := []string{"DIR=" + dir}
	turn := &Turn{Hold: 50 * time.Millisecond}
	slowDone := make(chan Result, 1)
	go func() { slowDone <- (&Runner{Turn: turn}).Run(context.Background(), slow, env) }()
	waitFile(t, filepath.Join(dir, "slow-started"))
	res := (&Runner{Turn: turn}).Run(context.Background(), next, env)
	if res.ExitCode != 0 || !exists(filepath.Join(dir, "next-ran")) {
		t.Errorf("the next script ended %d, ran %v", res.ExitCode, exists(filepath.Join(dir, "next-ran")))
	}
	select {
	case <-slowDone:
		t.Error("the slow script ended before it was let go")
	default:
	}
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	<-slowDone
	// The turn is free again: a script that asks now runs at once.
	if res := (&Runner{Turn: turn}).Run(context.Background(), next, env); res.ExitCode != 0 {
		t.Errorf("a script after both ended %d", res.ExitCode)
	}
}

// A call ended while it waits for its turn (the daemon stopping) does
// not run, and reads as a script SIGTERM ended: it declines nothing and
// accepts no TIMEOUT lease.
func TestTurnWaitEndsWithContext(t *testing.T) {
	turn := NewTurn()
	g, held := turn.take(context.Background())
	defer turn.give(g)
	ran := filepath.Join(t.TempDir(), "ran")
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan Result, 1)
	go func() { res <- (&Runner{Turn: turn}).Run(ctx, script(t, `touch "`+ran+`"`), nil) }()
	cancel()
	r := <-res
	if !held || r.ExitCode != -int(syscall.SIGTERM) || r.Err == nil || exists(ran) {
		t.Errorf("ended while waiting: exit %d, err %v, ran %v; want -15, an error, not run", r.ExitCode, r.Err, exists(ran))
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// waitFile waits, generously, for p to exist.
func waitFile(t *testing.T, p string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !exists(p); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", p)
		}
	}
}
