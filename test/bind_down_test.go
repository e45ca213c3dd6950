//go:build linux

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
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
	if secs := seen(); len(secs) == 0 || secs[0] != 0 {
		t.Errorf("DISCOVERs on the wire had secs %v, want the first (secs 0) among them:\n%s", secs, log)
	}
}

// watchDiscovers records the secs field of every DISCOVER that arrives at
// ifname in namespace ns, read through a packet socket for every protocol,
// which sees frames before a bridge port decides whether to forward them
// (one for IPv4 alone would not: the bridge takes them first). The
// returned function gives those seen so far.
func watchDiscovers(t *testing.T, ns, ifname string) func() []uint16 {
	t.Helper()
	var rc *packet.Conn
	if err := lab.Do(ns, func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err == nil {
			rc, err = packet.Listen(ifi, packet.Datagram, unix.ETH_P_ALL, nil)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var secs []uint16
	closing, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 1500)
		for {
			n, _, err := rc.ReadFrom(b)
			if err != nil {
				select {
				case <-closing:
					return
				case <-time.After(10 * time.Millisecond): // a dropped frame; go on
					continue
				}
			}
			payload, _, to, ferr := platform.Unframe(b[:n], true)
			if ferr != nil || to.Port() != 67 {
				continue
			}
			if m, perr := dhcp4.Parse(payload); perr == nil && m.Type() == dhcp4.Discover {
				mu.Lock()
				secs = append(secs, m.Secs)
				mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { close(closing); rc.Close(); <-done })
	return func() []uint16 {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(secs)
	}
}
