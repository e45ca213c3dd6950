//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestBindFromAdministrativelyDownLink: as at boot, the interface is down
// when dhclient starts. It is brought up before the first DISCOVER, which
// goes out (no "network is down"), and the first exchange binds.
func TestBindFromAdministrativelyDownLink(t *testing.T) {
	lab.Require(t)
	t.Parallel()
	l := lab.New(t)
	l.StartDnsmasq(t, l.DefaultOpts())
	h := l.ClientHandle()
	link, err := h.LinkByName(l.ClientIf())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.LinkSetDown(link); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "dhclient.conf")
	// /bin/true configures nothing: leased must (SPEC §5.0).
	if err := os.WriteFile(conf, []byte("configure-interface native;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := lab.Start(t, l.ClientNS(), filepath.Join(dir, "dhclient.log"), dhclientBin, "-d", "-v",
		"-cf", conf, "-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "dhclient.pid"),
		"-sf", "/bin/true", l.ClientIf())
	p.WaitLog(t, "bound to ", 20*time.Second)
	b, err := os.ReadFile(p.Log())
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	if strings.Contains(log, "network is down") {
		t.Errorf("a send failed on the link brought up by dhclient:\n%s", log)
	}
	if n := strings.Count(log, "DHCPDISCOVER on "); n != 1 {
		t.Errorf("%d DISCOVERs before the bind, want 1 (the first one answered):\n%s", n, log)
	}
}
