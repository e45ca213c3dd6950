//go:build linux

package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCommandLineInformational: --version and -h exit 0; an unknown flag
// exits 1 with ISC's "Unknown command" and the usage (SPEC §2).
func TestCommandLineInformational(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--version"}, 0, "isc-dhclient-4.4.3"},
		{[]string{"-h"}, 0, "Usage: dhclient"},
		{[]string{"--help"}, 0, "Usage: dhclient"},
		{[]string{"--bogus-flag"}, 1, "Unknown command: --bogus-flag"},
		{[]string{"-v", "-Z"}, 1, "Unknown command: -Z"},
	} {
		out, err := exec.Command(dhclientBin, tc.args...).CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("dhclient %v: %v", tc.args, err)
		}
		if code != tc.code || !strings.Contains(string(out), tc.want) {
			t.Errorf("dhclient %v: exit %d, output %q; want exit %d with %q", tc.args, code, out, tc.code, tc.want)
		}
		if tc.code == 1 && !strings.Contains(string(out), "Usage: dhclient") {
			t.Errorf("dhclient %v: no usage in %q", tc.args, out)
		}
	}
}
