//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestSIGHUPReloadKeepsLease: SIGHUP re-reads dhclient.conf without
// dropping the lease (issue 6); the next renewal applies the new
// supersede to the hook environment, with the same address and no new
// DISCOVER.
func TestSIGHUPReloadKeepsLease(t *testing.T) {
	lab.Require(t)
	t.Parallel()
	l := lab.New(t)
	l.StartDnsmasq(t, l.DefaultOpts())
	dir := t.TempDir()
	c := &confClient{log: filepath.Join(dir, "dhclient.log"), leases: filepath.Join(dir, "dhclient.leases"), dumps: filepath.Join(dir, "dumps")}
	if err := os.Mkdir(c.dumps, 0o755); err != nil {
		t.Fatal(err)
	}
	cf, script, sock := filepath.Join(dir, "dhclient.conf"), filepath.Join(dir, "dump.sh"), filepath.Join(dir, "dhclient.sock")
	lab.WriteFile(t, cf, "supersede domain-name \"before.test\";\n", 0o644)
	lab.WriteFile(t, script, confDumpScript, 0o755)
	p := lab.Start(t, l.ClientNS(), c.log, dhclientBin, "-d", "-v", "-cf", cf, "-lf", c.leases,
		"-pf", filepath.Join(dir, "dhclient.pid"), "-sf", script, "-e", "DUMPDIR="+c.dumps, l.ClientIf())

	bound := c.waitHook(t, "BOUND", 20*time.Second)
	if got := bound["new_domain_name"]; got != "before.test" {
		t.Fatalf("BOUND new_domain_name=%q, want before.test", got)
	}
	lab.WriteFile(t, cf, "supersede domain-name \"after.test\";\n", 0o644)
	if err := p.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.WaitLog(t, "configuration reloaded", 10*time.Second)
	lab.Run(t, l.ClientNS(), dhclientctlBin, "-s", sock, "renew", l.ClientIf())

	renew := c.waitHook(t, "RENEW", 20*time.Second)
	if got := renew["new_domain_name"]; got != "after.test" {
		t.Errorf("RENEW new_domain_name=%q, want the reloaded after.test", got)
	}
	if renew["new_ip_address"] != bound["new_ip_address"] {
		t.Errorf("RENEW address %s, want the kept %s", renew["new_ip_address"], bound["new_ip_address"])
	}
	if got := strings.Count(c.readLog(t), "DHCPDISCOVER"); got != 1 {
		t.Errorf("%d DHCPDISCOVERs, want only the first: the lease survives the reload", got)
	}
	if reasons := strings.Join(c.reasons(t), " "); strings.Contains(reasons, "EXPIRE") || strings.Contains(reasons, "RELEASE") {
		t.Errorf("hooks %s: the reload dropped the lease", reasons)
	}
}
