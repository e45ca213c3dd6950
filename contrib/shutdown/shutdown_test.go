// Package shutdown_test runs contrib/shutdown/dhclient-shutdown against a
// fake dhclient and pid files naming live, dead and foreign processes.
package shutdown_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fakeDhclient is a dhclient stand-in: it appends its arguments to $LOG
// and exits with $EXIT_CODE.
const fakeDhclient = `#!/bin/sh
printf '%s\n' "$*" >>"$LOG"
exit "${EXIT_CODE:-0}"
`

type rig struct {
	dir, log, fake string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX shell scripts")
	}
	dir := t.TempDir()
	r := &rig{dir: dir, log: filepath.Join(dir, "calls"), fake: filepath.Join(dir, "fake-dhclient")}
	if err := os.WriteFile(r.fake, []byte(fakeDhclient), 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// run executes the snippet with args and extra environment, and returns
// the fake's calls and the exit status.
func (r *rig) run(t *testing.T, env []string, args ...string) ([]string, int) {
	t.Helper()
	cmd := exec.Command("./dhclient-shutdown", args...)
	cmd.Env = append(os.Environ(), "DHCLIENT="+r.fake, "LOG="+r.log)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run dhclient-shutdown: %v\n%s", err, out)
	}
	b, err := os.ReadFile(r.log)
	if errors.Is(err, os.ErrNotExist) {
		return nil, code
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), code
}

// pidFile writes content to a pid file and returns its path.
func (r *rig) pidFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(r.dir, "dhclient.eth0.pid")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// start runs a process named name (a copy of sleep(1)) until the test
// ends and returns its pid.
func (r *rig) start(t *testing.T, name string) int {
	t.Helper()
	src, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1)")
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(r.dir, name)
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "600")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

// deadPid returns the pid of a process that has exited and been reaped.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("run true: %v", err)
	}
	return cmd.Process.Pid
}

func TestShutdownReleasesOnlyALiveDaemon(t *testing.T) {
	type setup func(t *testing.T, r *rig) (pidContent string, env []string)
	live := func(name string, env ...string) setup {
		return func(t *testing.T, r *rig) (string, []string) {
			return strconv.Itoa(r.start(t, name)) + "\n", env
		}
	}
	fixed := func(content string) setup {
		return func(*testing.T, *rig) (string, []string) { return content, nil }
	}
	tests := []struct {
		name     string
		setup    setup
		release  bool
		needComm bool // relies on /proc/PID/comm
	}{
		{"live dhclient", live("dhclient"), true, false},
		{"live dhclient, no newline", func(t *testing.T, r *rig) (string, []string) {
			return strconv.Itoa(r.start(t, "dhclient")), nil
		}, true, false},
		{"pid reused by another program", live("sleeper"), false, true},
		{"no process names to read (BSD)", live("sleeper", "LEASED_PROC=/nonexistent"), true, false},
		{"dead process", func(t *testing.T, _ *rig) (string, []string) {
			return strconv.Itoa(deadPid(t)) + "\n", nil
		}, false, false},
		{"empty pid file", fixed(""), false, false},
		{"garbage", fixed("12ab\n"), false, false},
		{"shell code", fixed("$(touch pwned)\n"), false, false},
		{"negative", fixed("-1\n"), false, false},
		{"zero", fixed("0\n"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat("/proc/self/comm"); err != nil && tt.needComm {
				t.Skip("no /proc/PID/comm")
			}
			r := newRig(t)
			content, env := tt.setup(t, r)
			pidfile := r.pidFile(t, content)
			got, code := r.run(t, env, pidfile, "-lf", "/var/lib/dhcp/dhclient.eth0.leases", "eth0")
			var want []string
			if tt.release {
				want = []string{"-r -pf " + pidfile + " -lf /var/lib/dhcp/dhclient.eth0.leases eth0"}
			}
			if !slices.Equal(got, want) || code != 0 {
				t.Errorf("pid file %q: calls %q, exit %d; want %q, exit 0", content, got, code, want)
			}
		})
	}
}

// TestShutdownPidFileDefault checks where the pid file is looked for
// without an argument, and that dhclient's exit status comes through.
func TestShutdownPidFileDefault(t *testing.T) {
	r := newRig(t)
	pidfile := r.pidFile(t, strconv.Itoa(r.start(t, "dhclient"))+"\n")
	got, code := r.run(t, []string{"PATH_DHCLIENT_PID=" + pidfile, "EXIT_CODE=3"})
	if want := []string{"-r -pf " + pidfile}; !slices.Equal(got, want) || code != 3 {
		t.Errorf("PATH_DHCLIENT_PID=%s: calls %q, exit %d; want %q, exit 3", pidfile, got, code, want)
	}

	r = newRig(t)
	missing := filepath.Join(r.dir, "none.pid")
	if got, code := r.run(t, nil, missing); len(got) != 0 || code != 0 {
		t.Errorf("missing pid file: calls %q, exit %d; want none, exit 0", got, code)
	}
}

// TestShutdownShellcheck lints the snippet when shellcheck is installed
// (Debian package shellcheck).
func TestShutdownShellcheck(t *testing.T) {
	bin, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed")
	}
	out, err := exec.Command(bin, "-s", "sh", "dhclient-shutdown").CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
