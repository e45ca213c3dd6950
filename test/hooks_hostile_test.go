//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// TestHostileValuesNeverReachTheScript has a server send shell code in
// host-name (a ";" command), domain-name (a "$(...)" substitution) and
// root-path (a ";" command). Each would create a marker file in a script
// that evals its variables, as dump.sh does under "careless". ISC's
// checks (reference §3.5) must keep the three out of the environment and
// log "suspect value in NAME option - discarded", so no marker appears; a
// well-formed nis-domain in the same lease still gets through. The
// commands are touch, not reboot, so that a failure is harmless.
func TestHostileValuesNeverReachTheScript(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	marks := t.TempDir()
	mark := func(name string) string { return filepath.Join(marks, name) }
	cfg := l.FakeConfig(l.DefaultOpts())
	cfg.Options.Set(dhcp4.OptHostName, []byte("x;touch "+mark("host-name")))
	cfg.Options.Set(dhcp4.OptDomainName, []byte("$(touch "+mark("domain-name")+")"))
	cfg.Options.Set(dhcp4.OptRootPath, []byte("/srv/root;touch "+mark("root-path")))
	cfg.Options.Set(dhcp4.OptNISDomain, []byte("nis-dom.test"))
	srv := l.StartFake(t, cfg)

	c := newHookClient(t, l, "")
	c.control(t, "careless", "")
	c.start(t, "")
	env := c.waitDump(t, "BOUND", 1, 30*time.Second)
	lab.WaitLog(t, srv.Log(), "DHCPACK on "+env.vars["new_ip_address"]+" ", 5*time.Second)

	for _, name := range []string{"host_name", "domain_name", "root_path"} {
		if v, ok := env.vars["new_"+name]; ok {
			t.Errorf("new_%s=%q reached the script", name, v)
		}
		lab.WaitLog(t, filepath.Join(c.dir, "dhclient.log"), "suspect value in "+name+" option - discarded", 5*time.Second)
	}
	if v := env.vars["new_nis_domain"]; v != "nis-dom.test" {
		t.Errorf("new_nis_domain=%q, want nis-dom.test: the server's options did not reach the script", v)
	}
	for _, m := range []string{"host-name", "domain-name", "root-path"} {
		if _, err := os.Stat(mark(m)); !os.IsNotExist(err) {
			t.Errorf("the %s value ran its command: %s exists (%v)", m, mark(m), err)
		}
	}
	// ISC keeps the rejected values in the lease file (reference §3.5).
	c.waitContains(t, c.leases, `option host-name "x;touch `, 5*time.Second)
}

// waitContains waits until path contains substr.
func (c *hookClient) waitContains(t *testing.T, path, substr string, timeout time.Duration) {
	t.Helper()
	lab.PollUntil(t, timeout, func() bool {
		b, _ := os.ReadFile(path)
		return strings.Contains(string(b), substr)
	}, func() string {
		b, _ := os.ReadFile(path)
		return path + " lacks " + substr + ":\n" + string(b) + "\n--- dhclient log ---\n" + c.logText(t)
	})

}
