//go:build linux

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// installRoot is a throwaway system root for installing packages for
// real with dpkg and apt, never touching the test machine: a private
// mount and UTS namespace in which /etc, /usr and /var (and /bin, /sbin
// and /lib* where they are directories, not merged-/usr links) are
// overlays whose lower layers are the machine's own directories and
// whose upper layers are test directories, so that everything dpkg,
// apt and the maintainer scripts write lands in the upper layers. /run
// is a test directory (no systemd to talk to, a private ifupdown state,
// pid files and control sockets the test can read), the host name is
// private, and /usr/sbin/policy-rc.d keeps services from starting.
//
// A holder process keeps the namespaces alive; commands enter them with
// nsenter, in one of three network namespaces: the host's (apt
// downloads), a new empty one (dpkg and the maintainer scripts, which
// must not reach any real network), or a lab's.
type installRoot struct {
	dir    string // host directory holding the layers and logs
	runDir string // mounted on /run
	holder *lab.Proc
	log    string // every command and its output
}

// Network namespaces for installRoot.run, besides a lab's name.
const (
	installHostNet = ""  // the host's: for downloads only
	installNoNet   = "-" // a new, empty one
)

// installPolicy is /usr/sbin/policy-rc.d: exit status 101 tells
// invoke-rc.d and deb-systemd-invoke not to start services (Debian
// policy §9.3.3.1).
const installPolicy = "#!/bin/sh\n# leased test: no service starts in this root\nexit 101\n"

// newInstallRoot builds the root; the test's cleanup takes it down.
func newInstallRoot(t *testing.T) *installRoot {
	t.Helper()
	dir := debJailBase(t)
	r := &installRoot{dir: dir, runDir: filepath.Join(dir, "run"), log: filepath.Join(dir, "root.log")}
	var setup strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&setup, format+"\n", args...) }
	line("set -eu")
	for _, d := range installOverlaid() {
		name := strings.TrimPrefix(d, "/")
		upper, work := filepath.Join(dir, name+"-upper"), filepath.Join(dir, name+"-work")
		debMkdir(t, upper)
		debMkdir(t, work)
		line("mount -t overlay leased-test-%s -o lowerdir=%s,upperdir=%s,workdir=%s %s", name, d, upper, work, d)
	}
	// apt resolves the mirror's name with the machine's resolvers: a
	// copy, so that a script writing resolv.conf writes the copy (also
	// where the machine's is a link into its /run, or a bind mount).
	resolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil {
		resolv = nil // no resolvers: downloads fail and say so
	}
	debWrite(t, filepath.Join(dir, "etc-upper", "resolv.conf"), string(resolv), 0o644)
	debMkdir(t, filepath.Join(dir, "usr-upper", "sbin"))
	debWrite(t, filepath.Join(dir, "usr-upper", "sbin", "policy-rc.d"), installPolicy, 0o755)
	for _, d := range []string{"lock", "network"} {
		debMkdir(t, filepath.Join(r.runDir, d))
	}
	line("mount --bind %s /run", debQuote(r.runDir))
	// man-db's trigger rebuilds its index after every dpkg run, slowly:
	// off in this root (the man pages are still installed).
	line("rm -f /var/lib/man-db/auto-update")
	line("echo ready")
	line("exec sleep 1d")
	script := filepath.Join(dir, "root.sh")
	debWrite(t, script, setup.String(), 0o644)
	// Diagnostics: a detached daemon's log, where no syslog daemon listens
	// on /dev/log (see debListenSyslog).
	debListenSyslog(t, filepath.Join(r.runDir, "syslog"), filepath.Join(dir, "syslog.log"))
	cmd := exec.Command("unshare", "--mount", "--uts", "--propagation", "private", "sh", script)
	r.holder = lab.StartCmd(t, cmd, filepath.Join(dir, "holder.log"))
	r.holder.WaitLog(t, "ready", 20*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("throwaway root's commands:\n%s", debTail(installReadFile(r.log), 300))
			t.Logf("daemon's syslog:\n%s", debTail(installReadFile(filepath.Join(dir, "syslog.log")), 100))
		}
	})
	return r
}

// installOverlaid lists the directories the root overlays: /etc, /usr,
// /var, and the top-level program and library directories that are not
// links into /usr.
func installOverlaid() []string {
	dirs := []string{"/etc", "/usr", "/var"}
	for _, d := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		if st, err := os.Lstat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// command returns a command that runs argv in the root, in the network
// namespace netns: installHostNet, installNoNet or a lab namespace.
func (r *installRoot) command(ctx context.Context, netns string, argv ...string) *exec.Cmd {
	args := []string{"-t", strconv.Itoa(r.holder.Pid()), "-m", "-u"}
	switch netns {
	case installHostNet:
	case installNoNet:
		argv = append([]string{"unshare", "--net"}, argv...)
	default:
		// nsenter opens the namespace file before it enters the mount
		// namespace, so this is the machine's /run/netns.
		args = append(args, "--net=/run/netns/"+netns)
	}
	cmd := exec.CommandContext(ctx, "nsenter", append(append(args, "--"), argv...)...)
	cmd.Env = []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C", "DEBIAN_FRONTEND=noninteractive", "HOME=/root",
	}
	cmd.WaitDelay = 5 * time.Second // a daemon that kept the output pipe
	return cmd
}

// try runs argv in the root and returns its output and error; the
// command and the end of its output go to the root's log.
func (r *installRoot) try(t *testing.T, netns string, timeout time.Duration, stdin string, argv ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := r.command(ctx, netns, argv...)
	cmd.Stdin = strings.NewReader(stdin)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	where := netns
	if where == installHostNet {
		where = "host network"
	} else if where == installNoNet {
		where = "no network"
	}
	debAppend(t, r.log, fmt.Sprintf("[%s, %s, took %v] $ %s\n%s\n(%v)\n\n", start.Format("15:04:05.000"), where,
		time.Since(start).Round(time.Millisecond), strings.Join(argv, " "), debTail(string(out), 40), err))
	return string(out), err
}

// run runs argv in the root, failing t when it fails.
func (r *installRoot) run(t *testing.T, netns string, timeout time.Duration, argv ...string) string {
	t.Helper()
	out, err := r.try(t, netns, timeout, "", argv...)
	if err != nil {
		t.Fatalf("in the throwaway root: %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return out
}

// write writes a file in the root (making its directory), through the
// overlay.
func (r *installRoot) write(t *testing.T, path, content string) {
	t.Helper()
	if out, err := r.try(t, installNoNet, 10*time.Second, content,
		"sh", "-c", `mkdir -p "${1%/*}" && cat >"$1"`, "sh", path); err != nil {
		t.Fatalf("write %s in the throwaway root: %v\n%s", path, err, out)
	}
}

// read returns a file's content in the root and whether it is there.
func (r *installRoot) read(t *testing.T, path string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := r.command(ctx, installNoNet, "cat", path)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	return stdout.String(), err == nil
}

// exists reports whether path names anything in the root, a dangling
// link included.
func (r *installRoot) exists(t *testing.T, path string) bool {
	t.Helper()
	_, err := r.try(t, installNoNet, 10*time.Second, "", "sh", "-c", `[ -e "$1" ] || [ -L "$1" ]`, "sh", path)
	return err == nil
}

// packageStatus returns dpkg's status of a package in the root, such as
// "install ok installed" or "deinstall ok config-files"; "" when dpkg
// does not know it.
func (r *installRoot) packageStatus(t *testing.T, pkg string) string {
	t.Helper()
	out, err := r.try(t, installNoNet, 30*time.Second, "", "dpkg-query", "-W", "-f", "${Status}", pkg)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// installedPackages lists the packages installed in the root.
func (r *installRoot) installedPackages(t *testing.T) map[string]bool {
	t.Helper()
	out := r.run(t, installNoNet, 30*time.Second, "dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n")
	pkgs := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[1] == "ii" {
			pkgs[f[0]] = true
		}
	}
	return pkgs
}

// dependents returns the installed packages whose Depends or Pre-Depends
// name one of pkgs (in any alternative).
func (r *installRoot) dependents(t *testing.T, pkgs ...string) map[string]bool {
	t.Helper()
	out := r.run(t, installNoNet, 30*time.Second, "dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Depends}, ${Pre-Depends}\n")
	deps := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 3 || strings.TrimSpace(f[1]) != "ii" {
			continue
		}
		for _, d := range strings.FieldsFunc(f[2], func(c rune) bool { return c == ',' || c == '|' }) {
			name, _, _ := strings.Cut(strings.TrimSpace(d), " ")
			name, _, _ = strings.Cut(name, ":")
			if slices.Contains(pkgs, name) {
				deps[f[0]] = true
			}
		}
	}
	return deps
}

// installReadFile returns a file's content, or the error as text.
func installReadFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
