//go:build linux

package lab

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// EnvRequired is the environment variable that turns skips into failures
// when it holds "required".
const EnvRequired = "LEASED_E2E"

// Required reports whether end-to-end tests must run (LEASED_E2E=required).
func Required() bool { return os.Getenv(EnvRequired) == "required" }

// Unavailable stops t because something the test needs is missing: a
// loud skip, or a failure under LEASED_E2E=required.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "END-TO-END TEST NOT RUN: " + fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s (%s=required)", msg, EnvRequired)
	}
	t.Skipf("%s (set %s=required to make this a failure)", msg, EnvRequired)
}

// Require stops t (see Unavailable) unless a lab can be built here: not
// -short, root, ip(8) from iproute2, and network namespaces.
func Require(t testing.TB) {
	t.Helper()
	if testing.Short() && !Required() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if os.Geteuid() != 0 {
		Unavailable(t, "needs root to create network namespaces (run as root, e.g. make test)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		Unavailable(t, "ip(8) not found: install iproute2")
	}
	probe := "leased-" + randHex(4)
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		Unavailable(t, "cannot create a network namespace: %v: %s", err, out)
	}
	if out, err := exec.Command("ip", "netns", "del", probe).CombinedOutput(); err != nil {
		t.Fatalf("delete probe namespace %s: %v: %s", probe, err, out)
	}
}

// RequireBinary returns the path of the program name, stopping t (see
// Unavailable) when it is not installed.
func RequireBinary(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		for _, dir := range []string{"/usr/sbin", "/sbin"} {
			if _, serr := os.Stat(dir + "/" + name); serr == nil {
				return dir + "/" + name
			}
		}
		Unavailable(t, "%s not installed (Debian package %s; make test installs it when run as root)", name, pkg)
	}
	return p
}
