//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/test/lab"
)

// TestStatusWithoutNetAdmin runs the daemon without CAP_NET_ADMIN
// (dropped from its bounding set, so root's exec does not regain it): it
// gets a lease but the kernel refuses the address, and status says so
// instead of BOUND, with the kernel's error, while the hooks run as
// usual (issue 12, SPEC §8).
func TestStatusWithoutNetAdmin(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	l.StartDnsmasq(t, ctlOpts(l))
	script, _ := filepath.Abs("testdata/control-hook.sh")
	conf, _ := filepath.Abs("testdata/control-dhclient.conf")
	dir := t.TempDir()
	base := filepath.Join(dir, "dhclient."+ifname)
	d := &ctlDaemon{l: l, ifs: []string{ifname}, dir: dir, sock: base + ".sock", hooks: base + ".hooks", leases: base + ".leases"}
	d.proc = lab.Start(t, l.ClientNS(), base+".log",
		"setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin",
		dhclientBin, "-d", "-v", "-cf", conf, "-sf", script, "-lf", d.leases, "-pf", base+".pid",
		"-e", "CONTROL_HOOK_LOG="+d.hooks, ifname)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(d.proc.Log())
			t.Logf("--- daemon log ---\n%s", b)
		}
	})

	var st control.InterfaceStatus
	lab.PollUntil(t, ctlBindTimeout, func() bool {
		st = d.status(t, ifname)
		return st.State == "CONFIGURE-FAILED"
	}, func() string { return ifname + " CONFIGURE-FAILED" })

	if !strings.Contains(st.ConfigureError, "operation not permitted") {
		t.Errorf("configure_error %q, want the kernel's EPERM", st.ConfigureError)
	}
	if !st.Address.IsValid() {
		t.Errorf("status shows no leased address: %+v", st)
	}
	if l.HasPrefix(t, ifname, st.Address) {
		t.Errorf("%s carries %v although the daemon lacks CAP_NET_ADMIN", ifname, st.Address)
	}
	table := ctlOK(t, "-s", d.sock, "status")
	if !strings.Contains(table, "CONFIGURE-FAILED") || strings.Contains(table, "BOUND") {
		t.Errorf("status table does not tell the failure:\n%s", table)
	}
	hooks, err := os.ReadFile(d.hooks)
	if err != nil || !strings.Contains(string(hooks), "BOUND "+ifname+" new="+st.Address.Addr().String()) {
		t.Errorf("BOUND hook not run for %v (%v):\n%s", st.Address, err, hooks)
	}
}
