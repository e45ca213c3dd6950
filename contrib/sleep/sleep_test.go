// Package sleep_test runs the sleep hooks of contrib/sleep against a fake
// dhclientctl and control sockets in a temporary directory.
package sleep_test

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fakeCtl is a dhclientctl stand-in: it appends its arguments to $LOG and
// fails for the socket named in $FAIL_SOCK.
const fakeCtl = `#!/bin/sh
printf '%s\n' "$*" >>"$LOG"
[ "$2" != "$FAIL_SOCK" ]
`

// rig is a run directory with control sockets and a fake dhclientctl.
type rig struct {
	dir, log, ctl string
	socks         []string // the sockets the hooks must find, sorted
}

func newRig(t *testing.T, daemons ...string) *rig {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX shell scripts")
	}
	// A short directory: socket paths are limited to 108 bytes, and
	// t.TempDir's names grow with the test's name.
	dir, err := os.MkdirTemp("", "leased-sleep")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	r := &rig{dir: dir, log: filepath.Join(dir, "calls"), ctl: filepath.Join(dir, "dhclientctl")}
	if err := os.WriteFile(r.ctl, []byte(fakeCtl), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range daemons {
		path := filepath.Join(dir, name)
		l, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		r.socks = append(r.socks, path)
	}
	slices.Sort(r.socks)
	// Look-alikes the hooks must pass over: not a socket, not a dhclient
	// socket.
	if err := os.WriteFile(filepath.Join(dir, "dhclient.stale.sock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if l, err := net.Listen("unix", filepath.Join(dir, "other.sock")); err == nil {
		t.Cleanup(func() { l.Close() })
	}
	return r
}

// run executes script with args and returns the fake's calls and the exit
// status.
func (r *rig) run(t *testing.T, failSock, script string, args ...string) ([]string, int) {
	t.Helper()
	cmd := exec.Command(script, args...)
	cmd.Env = append(os.Environ(), "DHCLIENTCTL="+r.ctl, "LEASED_RUN_DIR="+r.dir, "LOG="+r.log, "FAIL_SOCK="+failSock)
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v\n%s", script, err, out)
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

// calls is what the hooks should run: verb on each socket, in glob order.
func (r *rig) calls(verb string) []string {
	var want []string
	for _, s := range r.socks {
		want = append(want, "-s "+s+" "+verb)
	}
	return want
}

func TestSleepHooks(t *testing.T) {
	tests := []struct {
		name   string
		script string
		args   []string
		verb   string // "" = no call
	}{
		{"systemd pre suspend", "leased", []string{"pre", "suspend"}, "pause"},
		{"systemd pre hibernate", "leased", []string{"pre", "hibernate"}, "pause"},
		{"systemd post suspend", "leased", []string{"post", "suspend"}, "resume"},
		{"systemd post suspend-then-hibernate", "leased", []string{"post", "suspend-then-hibernate"}, "resume"},
		{"pm-utils suspend", "leased", []string{"suspend"}, "pause"},
		{"pm-utils hibernate", "leased", []string{"hibernate"}, "pause"},
		{"pm-utils resume", "leased", []string{"resume"}, "resume"},
		{"pm-utils thaw", "leased", []string{"thaw"}, "resume"},
		{"unknown phase", "leased", []string{"during", "suspend"}, ""},
		{"no arguments", "leased", nil, ""},
		{"rc.suspend", "rc.suspend", nil, "pause"},
		{"rc.resume", "rc.resume", []string{"anything"}, "resume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, "dhclient.sock", "dhclient.eth0.sock")
			got, code := r.run(t, "", "./"+tt.script, tt.args...)
			var want []string
			if tt.verb != "" {
				want = r.calls(tt.verb)
			}
			if !slices.Equal(got, want) || code != 0 {
				t.Errorf("%s %q: calls %q, exit %d; want %q, exit 0", tt.script, tt.args, got, code, want)
			}
		})
	}
}

// TestSleepHookNoDaemon checks that a system without a running daemon
// sleeps without complaint.
func TestSleepHookNoDaemon(t *testing.T) {
	for _, script := range []string{"./leased", "./rc.suspend", "./rc.resume"} {
		r := newRig(t)
		if got, code := r.run(t, "", script, "pre", "suspend"); len(got) != 0 || code != 0 {
			t.Errorf("%s without daemons: calls %q, exit %d; want none, exit 0", script, got, code)
		}
	}
}

// TestSleepHookOneDaemonFails checks that a failing daemon does not keep
// the others from pausing, and that the failure shows in the exit status.
func TestSleepHookOneDaemonFails(t *testing.T) {
	for _, script := range []string{"./leased", "./rc.suspend", "./rc.resume"} {
		r := newRig(t, "dhclient.eth0.sock", "dhclient.eth1.sock")
		got, code := r.run(t, r.socks[0], script, "pre", "suspend")
		if len(got) != 2 || code != 1 {
			t.Errorf("%s with %s failing: calls %q, exit %d; want both sockets asked, exit 1", script, r.socks[0], got, code)
		}
	}
}

// TestSleepScriptsShellcheck lints the scripts when shellcheck is
// installed (Debian package shellcheck).
func TestSleepScriptsShellcheck(t *testing.T) {
	bin, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed")
	}
	out, err := exec.Command(bin, "-s", "sh", "leased", "rc.suspend", "rc.resume").CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
