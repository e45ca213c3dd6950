//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// The end-to-end tests of the dhclient-script contract (SPEC §6): the
// environment compared with ISC's, the shipped script and hooks, the hook
// timeout, DECLINE on a failing BOUND hook and the suspect-value filter.
// Helpers here carry a hook prefix: package e2e is shared.

// hookTestdata is this file's fixture folder.
const hookTestdata = "testdata"

// hookClient is one dhclient under test with its files in a temp dir:
// configuration, lease and pid files, and the dump folder of dump.sh.
type hookClient struct {
	l      *lab.Lab
	dir    string
	conf   string
	leases string
	pid    string
	dumps  string
	script string // dump.sh, copied executable into dir
}

// newHookClient prepares the files of one client; conf is the text of its
// dhclient.conf.
func newHookClient(t *testing.T, l *lab.Lab, conf string) *hookClient {
	t.Helper()
	dir := t.TempDir()
	c := &hookClient{
		l: l, dir: dir,
		conf:   filepath.Join(dir, "dhclient.conf"),
		leases: filepath.Join(dir, "dhclient.leases"),
		pid:    filepath.Join(dir, "dhclient.pid"),
		dumps:  filepath.Join(dir, "dumps"),
		script: filepath.Join(dir, "dump.sh"),
	}
	lab.WriteFile(t, c.conf, conf, 0o644)
	lab.WriteFile(t, c.script, lab.ReadFile(t, filepath.Join(hookTestdata, "hooks-isc", "dump.sh")), 0o755)
	if err := os.Mkdir(c.dumps, 0o755); err != nil {
		t.Fatal(err)
	}
	return c
}

// argv is the command line of dhclient with this client's files, script
// (dump.sh when empty), DUMPDIR and the extra flags, for the lab's first
// client interface.
func (c *hookClient) argv(script string, extra ...string) []string {
	if script == "" {
		script = c.script
	}
	a := []string{dhclientBin, "-cf", c.conf, "-lf", c.leases, "-pf", c.pid, "-sf", script, "-e", "DUMPDIR=" + c.dumps}
	a = append(a, extra...)
	return append(a, c.l.ClientIf())
}

// start runs dhclient -d -v in the client namespace, logging to dir.
func (c *hookClient) start(t *testing.T, script string, extra ...string) *lab.Proc {
	t.Helper()
	argv := c.argv(script, append([]string{"-d", "-v"}, extra...)...)
	return lab.Start(t, c.l.ClientNS(), filepath.Join(c.dir, "dhclient.log"), argv...)
}

// control creates a control file of dump.sh (see its header).
func (c *hookClient) control(t *testing.T, name, content string) {
	t.Helper()
	lab.WriteFile(t, filepath.Join(c.dumps, name), content, 0o644)
}

// waitDump waits for the nth (from 1) dump of reason and returns its
// variables.
func (c *hookClient) waitDump(t *testing.T, reason string, nth int, timeout time.Duration) hookEnv {
	t.Helper()
	var files []string
	err := lab.Until(timeout, func() bool {
		files, _ = filepath.Glob(filepath.Join(c.dumps, "*-"+reason+".env"))
		return len(files) >= nth
	})
	if err != nil {
		all, _ := filepath.Glob(filepath.Join(c.dumps, "*.env"))
		t.Fatalf("no %s dump #%d after %v; dumps: %q\n--- dhclient log ---\n%s", reason, nth, timeout, all, c.logText(t))
	}
	slices.Sort(files)
	return hookParseEnv(t, files[nth-1])
}

// hookEnv is one dumped environment: its sorted lines and a map of them.
type hookEnv struct {
	lines []string
	vars  map[string]string
}

func hookParseEnv(t *testing.T, path string) hookEnv {
	t.Helper()
	e := hookEnv{vars: map[string]string{}}
	for line := range strings.SplitSeq(strings.TrimSuffix(lab.ReadFile(t, path), "\n"), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: line %q is not VAR=value", path, line)
		}
		if _, dup := e.vars[k]; dup {
			t.Errorf("%s: %s given twice", path, k)
		}
		e.vars[k] = v
		e.lines = append(e.lines, line)
	}
	return e
}

// hookAddr parses the value of name in e as an address.
func hookAddr(t *testing.T, e hookEnv, name string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(e.vars[name])
	if err != nil {
		t.Fatalf("%s=%q: %v", name, e.vars[name], err)
	}
	return a
}

// waitContent waits until path holds exactly want.
func (c *hookClient) waitContent(t *testing.T, path, want string, timeout time.Duration) {
	t.Helper()
	var got string
	lab.PollUntil(t, timeout, func() bool {
		b, _ := os.ReadFile(path)
		got = string(b)
		return got == want
	}, func() string {
		return fmt.Sprintf("%s is\n%s\nwant\n%s\n--- dhclient log ---\n%s", path, got, want, c.logText(t))
	})

}

// logText is the client's log so far.
func (c *hookClient) logText(t *testing.T) string {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(c.dir, "dhclient.log"))
	return string(b)
}

// hookPidFile reads a pid written by dump.sh, waiting for it to appear.
func hookPidFile(t *testing.T, path string) int {
	t.Helper()
	var pid int
	lab.PollUntil(t, 5*time.Second, func() bool {
		b, _ := os.ReadFile(path)
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		pid = n
		return err == nil
	}, func() string { return path + " holds no pid" })

	return pid
}
