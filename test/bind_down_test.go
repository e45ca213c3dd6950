//go:build linux

package e2e

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// TestBindFromAdministrativelyDownLink: as at boot, the interface is down
// when dhclient starts. It is brought up before the first DISCOVER, which
// goes out (no "network is down") and reaches the wire: the server's end
// of the veth sees it. Whether the server answers that first one is the
// lab bridge's business — its port starts forwarding when the kernel's
// link watch gets to it, which races with the client's first send, as a
// switch port coming up does.
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
	seen := watchDiscovers(t, l.ServerNS(), l.ServerPeer(l.ClientIf()))
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
	// The watcher reads in a goroutine of its own: give it time to catch
	// up with what the socket already holds.
	lab.Until(5*time.Second, func() bool { return len(seen()) > 0 })
	if secs := seen(); len(secs) == 0 || secs[0] != 0 {
		t.Errorf("DISCOVERs on the wire had secs %v, want the first (secs 0) among them:\n%s", secs, log)
	}
}

// watchDiscovers records the secs field of every DISCOVER that arrives at
// ifname in namespace ns (lab.WatchDHCP); the returned function gives
// those seen so far.
func watchDiscovers(t *testing.T, ns, ifname string) func() []uint16 {
	t.Helper()
	var mu sync.Mutex
	var secs []uint16
	lab.WatchDHCP(t, ns, ifname, func(d lab.Datagram) {
		if d.Msg.Type() == dhcp4.Discover {
			mu.Lock()
			secs = append(secs, d.Msg.Secs)
			mu.Unlock()
		}
	})
	return func() []uint16 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(secs)
	}
}

// TestOneTryGivesUpWhenCarrierGoesMidDiscovery: cloud-init and ifupdown
// wait for dhclient -1 with no deadline of their own. The carrier goes
// after the first DISCOVER, which no server answers: dhclient still gives
// up at its timeout with exit status 2, as ISC's does, which sends into
// the dead link until then.
func TestOneTryGivesUpWhenCarrierGoesMidDiscovery(t *testing.T) {
	lab.Require(t)
	t.Parallel()
	l := lab.New(t)
	seen := watchDiscovers(t, l.ServerNS(), l.ServerPeer(l.ClientIf()))
	dir := t.TempDir()
	conf := filepath.Join(dir, "dhclient.conf")
	if err := os.WriteFile(conf, []byte("timeout 10;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := lab.Start(t, l.ClientNS(), filepath.Join(dir, "dhclient.log"), dhclientBin, "-1", "-d", "-v",
		"-cf", conf, "-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "dhclient.pid"),
		"-sf", "/bin/true", l.ClientIf())
	if err := lab.Until(20*time.Second, func() bool { return len(seen()) > 0 }); err != nil {
		t.Fatal("no DISCOVER reached the server's end")
	}
	peer, err := l.ServerHandle().LinkByName(l.ServerPeer(l.ClientIf()))
	if err != nil {
		t.Fatal(err)
	}
	if err := l.ServerHandle().LinkSetDown(peer); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(3 * time.Minute):
		b, _ := os.ReadFile(p.Log())
		t.Fatalf("dhclient -1 still runs 3 minutes after its carrier went:\n%s", b)
	}
	var exit *exec.ExitError
	if !errors.As(p.Err(), &exit) || exit.ExitCode() != 2 {
		b, _ := os.ReadFile(p.Log())
		t.Errorf("dhclient -1 ended with %v, want exit status 2:\n%s", p.Err(), b)
	}
}
