//go:build linux

package e2e

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/test/lab"
)

// confClient is one foreground dhclient with its own files.
type confClient struct {
	log, leases, dumps string
}

// startConfClient writes conf as dir/name and runs dhclient -d -v on the
// lab's client link with a hook that dumps its environment.
func startConfClient(t *testing.T, l *lab.Lab, name, conf string) *confClient {
	t.Helper()
	dir := t.TempDir()
	c := &confClient{log: filepath.Join(dir, "dhclient.log"), leases: filepath.Join(dir, "dhclient.leases"), dumps: filepath.Join(dir, "dumps")}
	if err := os.Mkdir(c.dumps, 0o755); err != nil {
		t.Fatal(err)
	}
	cf, script := filepath.Join(dir, name), filepath.Join(dir, "dump.sh")
	lab.WriteFile(t, cf, conf, 0o644)
	lab.WriteFile(t, script, confDumpScript, 0o755)
	lab.Start(t, l.ClientNS(), c.log, dhclientBin, "-d", "-v", "-cf", cf, "-lf", c.leases,
		"-pf", filepath.Join(dir, "dhclient.pid"), "-sf", script, "-e", "DUMPDIR="+c.dumps, l.ClientIf())
	return c
}

// confDumpScript writes each call's environment, sorted, to DUMPDIR as
// NN-REASON.env, renamed into place so that a reader never sees half.
// It declares itself a native-mode script, so leased configures the
// interface (SPEC §5.0).
const confDumpScript = `#!/bin/sh
# leased: native-mode dhclient-script
n=$(ls "$DUMPDIR" | grep -c '\.env$')
f="$DUMPDIR/$(printf %02d "$n")-$reason.env"
env | sort > "$f.tmp" && mv "$f.tmp" "$f"
`

// waitHook waits for the first hook call with reason and returns its
// environment.
func (c *confClient) waitHook(t *testing.T, reason string, timeout time.Duration) map[string]string {
	t.Helper()
	var first string
	lab.PollUntil(t, timeout, func() bool {
		ms, _ := filepath.Glob(filepath.Join(c.dumps, "*-"+reason+".env"))
		slices.Sort(ms)
		if len(ms) > 0 {
			first = ms[0]
		}
		return first != ""
	}, func() string { return fmt.Sprintf("a %s hook (hooks: %v)\n%s", reason, c.reasons(t), c.readLog(t)) })
	return confReadEnv(t, first)
}

// reasons lists the reasons of the hook calls so far, in order.
func (c *confClient) reasons(t *testing.T) []string {
	ms, _ := filepath.Glob(filepath.Join(c.dumps, "*.env"))
	slices.Sort(ms)
	var out []string
	for _, m := range ms {
		_, r, _ := strings.Cut(strings.TrimSuffix(filepath.Base(m), ".env"), "-")
		out = append(out, r)
	}
	return out
}

// waitLease waits until the lease file has line (whole, as written).
func (c *confClient) waitLease(t *testing.T, line string) {
	t.Helper()
	lab.PollUntil(t, 10*time.Second, func() bool {
		return slices.Contains(strings.Split(lab.ReadFile(t, c.leases), "\n"), line)
	}, func() string { return fmt.Sprintf("%q in the lease file:\n%s", line, lab.ReadFile(t, c.leases)) })
}

func (c *confClient) readLog(t *testing.T) string { return lab.ReadFile(t, c.log) }

// confCheckEnv compares env with golden NAME=value lines.
func confCheckEnv(t *testing.T, env map[string]string, golden []string) {
	t.Helper()
	for _, g := range golden {
		k, want, _ := strings.Cut(g, "=")
		if env[k] != want {
			t.Errorf("hook env %s=%q, want %q (golden)", k, env[k], want)
		}
	}
}

// confReadEnv parses a sorted `env` dump.
func confReadEnv(t *testing.T, path string) map[string]string {
	env := map[string]string{}
	for _, line := range strings.Split(lab.ReadFile(t, path), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

// confGoldenLines returns the first line of a golden file in testdata that
// starts with each prefix, the golden addresses replaced by the lab's.
func confGoldenLines(t *testing.T, file string, l *lab.Lab, prefixes ...string) []string {
	t.Helper()
	addrs := strings.NewReplacer(confGoldenServer, l.ServerAddr().String(), confGoldenDNS2, l.Host(2).String(),
		confGoldenXgrid, l.Host(9).String())
	lines := strings.Split(confTestdata(t, file), "\n")
	var out []string
	for _, p := range prefixes {
		i := slices.IndexFunc(lines, func(s string) bool { return strings.HasPrefix(s, p) })
		if i < 0 {
			t.Fatalf("%s has no line starting %q", file, p)
		}
		out = append(out, addrs.Replace(lines[i]))
	}
	return out
}

// confAddServerAddr gives the server bridge a second address in the subnet.
func confAddServerAddr(t *testing.T, l *lab.Lab, a netip.Addr) {
	t.Helper()
	br, err := l.ServerHandle().LinkByName(l.ServerIf())
	if err != nil {
		t.Fatal(err)
	}
	ipn := &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(l.Subnet().Bits(), 32)}
	if err := l.ServerHandle().AddrAdd(br, &netlink.Addr{IPNet: ipn}); err != nil {
		t.Fatalf("add %v to %s: %v", a, l.ServerIf(), err)
	}
}

// confInRange reports whether s is the lab address with host part lo to hi.
func confInRange(l *lab.Lab, s string, lo, hi int) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && !a.Less(l.Host(lo)) && !l.Host(hi).Less(a)
}

func confTestdata(t *testing.T, name string) string {
	return lab.ReadFile(t, filepath.Join("testdata", name))
}
