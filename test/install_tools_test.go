//go:build linux

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// installRequire stops t (see lab.Unavailable) unless a lab can be built
// (root, network namespaces) and the programs are installed; each entry
// is "program:Debian package".
func installRequire(t *testing.T, programs ...string) {
	t.Helper()
	lab.Require(t)
	for _, p := range programs {
		name, pkg, _ := strings.Cut(p, ":")
		lab.RequireBinary(t, name, pkg)
	}
}

// installRequirePackages stops t (see lab.Unavailable) unless the Debian
// packages are installed.
func installRequirePackages(t *testing.T, pkgs ...string) {
	t.Helper()
	for _, p := range pkgs {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${Status}", p).Output()
		if err != nil || !strings.HasSuffix(string(out), " installed") {
			lab.Unavailable(t, "Debian package %s not installed (make test installs it when run as root)", p)
		}
	}
}

// installRepo is the top of the source tree (the test runs in test/).
func installRepo(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// installMake runs make with args at the top of the tree and returns its
// output, failing t when it fails.
func installMake(t *testing.T, timeout time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", append([]string{"-C", installRepo(t)}, args...)...)
	// go test puts the Go it runs on PATH: the build uses the same Go.
	cmd.Env = os.Environ()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v (after %v)\n%s", strings.Join(args, " "), err, time.Since(start).Round(time.Second), debTail(string(out), 150))
	}
	t.Logf("make %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Second))
	return string(out)
}

// installMakeDeb builds the package with make deb into a temp directory
// and returns its path. make deb runs lintian and fails on any error;
// the tags lintian reported are logged.
func installMakeDeb(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out := installMake(t, 10*time.Minute, "deb", "DEBDIR="+dir)
	var tags []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 && strings.Contains("EWIPX", l[:1]) && l[1:3] == ": " {
			tags = append(tags, l)
		}
	}
	t.Logf("lintian: %d tags\n%s", len(tags), strings.Join(tags, "\n"))
	for _, tag := range tags {
		if strings.HasPrefix(tag, "E: ") {
			t.Errorf("lintian error: %s", tag)
		}
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "leased_*.deb"))
	if len(debs) != 1 {
		t.Fatalf("make deb left %q in %s, want one leased_*.deb\n%s", debs, dir, debTail(out, 60))
	}
	return debs[0]
}

// installSiteHook is the administrator's exit hook: it records each call
// of the script (sourced, so $0 is the script that runs) in LOG.
const installSiteHook = `# an administrator's exit hook (leased test)
printf '%s %s %s %s\n' "${reason-}" "${interface-}" "${new_ip_address-}" "$0" >>'LOG'
`

// installHookLines returns the lines the site hook wrote to log.
func installHookLines(log string) []string {
	b, err := os.ReadFile(log)
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

// installWaitHook waits until the site hook wrote a line starting with
// prefix and returns the line.
func installWaitHook(t *testing.T, log, prefix string, timeout time.Duration) string {
	t.Helper()
	var line string
	lab.PollUntil(t, timeout, func() bool {
		for _, l := range installHookLines(log) {
			if strings.HasPrefix(l, prefix) {
				line = l
				return true
			}
		}
		return false
	}, func() string {
		return "no hook call " + prefix + "...; calls: " + strings.Join(installHookLines(log), " | ")
	})

	return line
}
