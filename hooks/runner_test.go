//go:build unix

package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// script writes an executable /bin/sh script into a fresh directory.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hook")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// lockedBuffer is a log sink safe for the runner's reader goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunPassesArgv0AndExactEnvironment(t *testing.T) {
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc:", err)
	}
	tr, err := exec.LookPath("tr")
	if err != nil {
		t.Skip("needs tr:", err)
	}
	t.Setenv("LEASED_MUST_NOT_LEAK", "1")
	p := script(t, `echo "argc=$# argv0=$0"; `+tr+` '\0' '\n' < /proc/$$/environ`)
	// Duplicates and order must survive: ISC does not deduplicate -e
	// variables that shadow its own.
	env := []string{"FOO=bar", "reason=X", "reason=BOUND", "empty=", Path}
	res := (&Runner{}).Run(t.Context(), p, env)
	if res.Err != nil || res.ExitCode != 0 {
		t.Fatalf("got exit %d err %v, want 0 nil", res.ExitCode, res.Err)
	}
	want := "argc=0 argv0=" + p + "\n" + strings.Join(env, "\n") + "\n"
	if got := string(res.Output); got != want {
		t.Errorf("output:\ngot  %q\nwant %q", got, want)
	}
}

func TestRunExitStatus(t *testing.T) {
	for _, tc := range []struct {
		body   string
		code   int
		hasErr bool
	}{
		{"exit 0", 0, false},
		{"exit 1", 1, false},
		{"exit 2", 2, false},
		{"exit 255", 255, false},
		// A signal reads as ISC's script_go has it, -WTERMSIG: no decision.
		{"kill -9 $$", -9, true},
		{"kill -TERM $$", -15, true},
	} {
		t.Run(tc.body, func(t *testing.T) {
			res := (&Runner{}).Run(t.Context(), script(t, tc.body), nil)
			if res.ExitCode != tc.code || (res.Err != nil) != tc.hasErr || res.TimedOut {
				t.Errorf("got %+v, want code %d err %v", res, tc.code, tc.hasErr)
			}
		})
	}
}

func TestRunExecFailureCountsAsSuccess(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\nexit 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		is   error
	}{
		{"missing", filepath.Join(dir, "nothere"), fs.ErrNotExist},
		// Even root gets EACCES: execve needs some execute bit.
		{"not executable", noexec, fs.ErrPermission},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log lockedBuffer
			r := &Runner{Log: slog.New(slog.NewTextHandler(&log, nil))}
			res := r.Run(t.Context(), tc.path, []string{"reason=BOUND"})
			if res.ExitCode != 0 || !errors.Is(res.Err, tc.is) {
				t.Errorf("got exit %d err %v, want 0 and %v", res.ExitCode, res.Err, tc.is)
			}
			if !strings.Contains(log.String(), "hook exec") || !strings.Contains(log.String(), "reason=BOUND") {
				t.Errorf("log lacks the exec failure:\n%s", log.String())
			}
		})
	}
}

func TestRunLogsOutputLines(t *testing.T) {
	var log lockedBuffer
	r := &Runner{Log: slog.New(slog.NewTextHandler(&log, nil))}
	p := script(t, "echo one; echo two >&2; printf 'no newline'")
	res := r.Run(t.Context(), p, []string{"reason=RENEW"})
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if got, want := string(res.Output), "one\ntwo\nno newline"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	for _, l := range []string{"one", "two", `"no newline"`} {
		want := "msg=\"hook output\" hook=" + p + " reason=RENEW line=" + l
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

func TestRunKillsProcessGroupOnTimeout(t *testing.T) {
	dir := t.TempDir()
	shellFile, childFile := filepath.Join(dir, "shell"), filepath.Join(dir, "child")
	// The child is in the background so only a process-group kill reaches
	// it; it would keep the script, and Run, going for 1000 s.
	p := script(t, `echo $$ > "`+shellFile+`"; sleep 1000 & echo $! > "`+childFile+`"; wait`)
	var log lockedBuffer
	r := &Runner{Timeout: 300 * time.Millisecond, Log: slog.New(slog.NewTextHandler(&log, nil))}
	done := make(chan Result, 1)
	go func() { done <- r.Run(t.Context(), p, []string{"reason=BOUND"}) }()
	var res Result
	select {
	case res = <-done:
	case <-time.After(time.Minute): // a polling limit: the script alone would run 1000 s
		for _, f := range []string{shellFile, childFile} {
			if pid, err := readPid(f); err == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		t.Fatalf("Run still waiting for a hook that hangs, with a %v timeout", r.Timeout)
	}
	if !res.TimedOut || res.Err == nil || res.ExitCode >= 0 {
		t.Errorf("got %+v, want timed out, error, a signal's negative code", res)
	}
	// The kill is logged with the timeout that caused it, before the outcome.
	want := "msg=\"hook timed out, killed\" hook=" + p + " reason=BOUND timeout=300ms"
	killed, failed := strings.Index(log.String(), want), strings.Index(log.String(), "msg=\"hook failed\"")
	if killed < 0 || failed < killed {
		t.Errorf("log lacks %q before the failure:\n%s", want, log.String())
	}
	// Both processes were started (they wrote their pids) and are gone.
	shell, err := readPid(shellFile)
	if err != nil {
		t.Fatal(err)
	}
	child, err := readPid(childFile)
	if err != nil {
		t.Fatal(err)
	}
	// Run reaped the script before returning.
	if alive(shell) {
		t.Errorf("script %d still runs after Run returned", shell)
	}
	// SIGKILL was sent to the group before Run returned; the kernel
	// finishes the child's exit asynchronously.
	for deadline := time.Now().Add(5 * time.Second); alive(child); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("background child %d survived the timeout", child)
			_ = syscall.Kill(child, syscall.SIGKILL)
			break
		}
	}
}

// readPid reads a pid a script wrote to file.
func readPid(file string) (int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// alive reports whether pid runs and is not a zombie awaiting its reaper.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil && !errors.Is(err, fs.ErrNotExist)
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// A call the daemon ends as it stops (SIGTERM) is killed and reported as
// ended by the caller: a notice, not a failure in ISC's -v stream, which
// names the call's interface.
func TestRunContextCancelKills(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var log lockedBuffer
	r := &Runner{Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: LevelNotice}))}
	res := r.Run(ctx, script(t, "sleep 1000"), []string{"reason=BOUND", "interface=eth7"})
	if res.TimedOut || !errors.Is(res.Err, context.Canceled) || res.ExitCode >= 0 {
		t.Errorf("got %+v, want ended by the caller, not timed out", res)
	}
	if s := log.String(); strings.Contains(s, "hook failed") || !strings.Contains(s, `msg="hook ended, daemon stopping"`) ||
		!strings.Contains(s, "reason=BOUND interface=eth7") {
		t.Errorf("log, want the stopping notice and no failure:\n%s", s)
	}
}

func TestRunDoesNotWaitForBackgroundedOutput(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child")
	// The background sleep keeps the output pipe open after the script ends.
	p := script(t, `sleep 1000 & echo $! > "`+pidFile+`"; echo done; exit 3`)
	res := (&Runner{}).Run(t.Context(), p, nil)
	b, err := os.ReadFile(pidFile)
	if err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if res.ExitCode != 3 || res.Err != nil || string(res.Output) != "done\n" {
		t.Errorf("got %+v (output %q), want exit 3 with output", res, res.Output)
	}
}

// TestRunOversizedEnvironmentStillRuns feeds a variable execve would
// refuse (E2BIG): the hook runs without it, and the log names it.
func TestRunOversizedEnvironmentStillRuns(t *testing.T) {
	p := script(t, `echo "reason=$reason new_big=${#new_big}"`)
	var logs lockedBuffer
	r := &Runner{Log: slog.New(slog.NewTextHandler(&logs, nil))}
	env := []string{"reason=BOUND", "new_big=" + strings.Repeat("a", maxArgStrlen), Path}
	res := r.Run(context.Background(), p, env)
	if res.Err != nil || !strings.Contains(string(res.Output), "reason=BOUND new_big=0") {
		t.Fatalf("got %+v, output %q; want the hook run without new_big", res, res.Output)
	}
	if !strings.Contains(logs.String(), "variable left out") || !strings.Contains(logs.String(), "var=new_big") {
		t.Errorf("log does not name the variable:\n%s", logs.String())
	}
}

// BenchmarkRun runs /bin/true as a hook with a DHCP-sized environment:
// B/op and allocs/op are what each hook call leaves to the collector, two
// calls per interface at start-up (issue 14).
func BenchmarkRun(b *testing.B) {
	var r Runner
	env := make([]string, 0, 40)
	for i := range 40 {
		env = append(env, fmt.Sprintf("new_option_%d=value %d", i, i))
	}
	env = append(env, "reason=BOUND", "interface=eth0")
	b.ReportAllocs()
	for b.Loop() {
		if res := r.Run(context.Background(), "/bin/true", env); res.Err != nil || res.ExitCode != 0 {
			b.Fatalf("%+v", res)
		}
	}
}
