//go:build linux

package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// TestForceRenewAuthenticated (issue 16, RFC 3203 with RFC 6704): with
// forcerenew on, the fake server hands the reconfigure key over in its
// ACK; an unsigned FORCERENEW and one signed with another key are
// dropped and counted as "unauthenticated" in status -json, with no
// REQUEST on the wire; one signed with the key makes the client renew
// at once: a unicast REQUEST with ciaddr seen on the wire and a RENEW
// hook.
func TestForceRenewAuthenticated(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	key := []byte("leased-test-key!")
	cfg := l.FakeConfig(lab.ServerOpts{LeaseTime: time.Hour})
	cfg.ReconfigureKey = key
	srv := l.StartFake(t, cfg)

	var mu sync.Mutex
	var renewals int // REQUESTs with ciaddr: RENEWING (RFC 2131 §4.3.2)
	lab.WatchDHCP(t, l.ServerNS(), l.ServerPeer(ifname), func(d lab.Datagram) {
		if d.Msg.Type() == dhcp4.Request && d.Msg.CIAddr.IsValid() && !d.Msg.CIAddr.IsUnspecified() {
			mu.Lock()
			renewals++
			mu.Unlock()
		}
	})
	seenRenewals := func() int { mu.Lock(); defer mu.Unlock(); return renewals }

	dir := t.TempDir()
	hookLog := filepath.Join(dir, "hooks")
	script := filepath.Join(dir, "script")
	conf := filepath.Join(dir, "dhclient.conf")
	lab.WriteFile(t, script, "#!/bin/sh\n# leased: native-mode dhclient-script\necho \"$reason\" >> "+hookLog+"\n", 0o755)
	lab.WriteFile(t, conf, "forcerenew on;\ninitial-interval 1;\n", 0o644)
	sock := filepath.Join(dir, "dhclient.sock")
	p := lab.Start(t, l.ClientNS(), filepath.Join(dir, "dhclient.log"), dhclientBin, "-d", "-v",
		"-cf", conf, "-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "dhclient.pid"), "-sf", script, ifname)
	defer p.Stop()

	lab.PollUntil(t, ctlBindTimeout, func() bool {
		st := ctlStatus(t, sock, ifname)
		return st.State == "BOUND" && st.Address.IsValid()
	}, func() string { return ifname + " BOUND" })
	addr := ctlStatus(t, sock, ifname).Address.Addr()
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	hw := link.Attrs().HardwareAddr

	// The reconfigure key is the daemon's secret: not in getpacket (other
	// users may run it), not in the lease file.
	for _, line := range strings.Split(ctlOK(t, "-s", sock, "getpacket", ifname), "\n") {
		if strings.HasPrefix(line, "90 ") {
			t.Errorf("getpacket shows option 90: %s", line)
		}
	}
	leases := lab.ReadFile(t, filepath.Join(dir, "leases"))
	if strings.Contains(leases, string(key)) || strings.Contains(leases, fmt.Sprintf("%x", key[:4])) ||
		strings.Contains(leases, "6c:65:61:73") {
		t.Errorf("lease file holds the key:\n%s", leases)
	}

	unauthenticated := func() uint64 { return ctlStatus(t, sock, ifname).Dropped["unauthenticated"] }
	srv.SendForceRenew(t, hw, addr, nil)
	lab.PollUntil(t, ctlStepTimeout, func() bool { return unauthenticated() >= 1 }, func() string { return "unsigned FORCERENEW counted" })
	first := unauthenticated()
	srv.SendForceRenew(t, hw, addr, []byte("some other key!!"))
	lab.PollUntil(t, ctlStepTimeout, func() bool { return unauthenticated() > first }, func() string { return "wrongly keyed FORCERENEW counted" })
	if n := seenRenewals(); n != 0 {
		t.Fatalf("%d renewal REQUESTs after unauthenticated FORCERENEWs, want none", n)
	}
	if st := ctlStatus(t, sock, ifname); st.State != "BOUND" {
		t.Fatalf("state %s after unauthenticated FORCERENEWs, want BOUND", st.State)
	}

	srv.SendForceRenew(t, hw, addr, key)
	lab.PollUntil(t, ctlStepTimeout, func() bool { return seenRenewals() >= 1 }, func() string { return "a renewal REQUEST after the authenticated FORCERENEW" })
	waitHook(t, hookLog, "RENEW", ctlStepTimeout)
	lab.WaitLog(t, p.Log(), "DHCPFORCERENEW from", ctlStepTimeout)
}
