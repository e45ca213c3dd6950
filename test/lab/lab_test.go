//go:build linux

package lab

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/leased/leased/statemachine/dhcp4"
)

// namespaces lists the named network namespaces.
func namespaces(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestNewBuildsALabAndCleanupRemovesIt(t *testing.T) {
	Require(t)
	var l *Lab
	var sleeper *Proc
	t.Run("lab", func(t *testing.T) {
		l = New(t)
		for _, ns := range []string{l.ServerNS(), l.ClientNS()} {
			if !strings.HasPrefix(ns, "leased-") || !strings.Contains(namespaces(t), ns) {
				t.Errorf("namespace %s not made", ns)
			}
		}
		if n := l.Subnet().Addr().As4(); n[0] != 10 || n[1] < 100 || n[1] > 199 || l.Subnet().Bits() != 24 {
			t.Errorf("subnet %v not in 10.100-199.N.0/24", l.Subnet())
		}
		br, err := l.ServerHandle().LinkByName(l.ServerIf())
		if err != nil {
			t.Fatal(err)
		}
		addrs, _ := l.ServerHandle().AddrList(br, netlink.FAMILY_V4)
		if len(addrs) != 1 || addrs[0].IP.String() != l.ServerAddr().String() {
			t.Errorf("server addresses %v, want %v", addrs, l.ServerAddr())
		}
		cl, err := l.ClientHandle().LinkByName(l.ClientIf())
		if err != nil {
			t.Fatal(err)
		}
		if cl.Attrs().OperState != netlink.OperUp {
			t.Errorf("client link %s is %v, want up", l.ClientIf(), cl.Attrs().OperState)
		}
		if addrs, _ := l.ClientHandle().AddrList(cl, netlink.FAMILY_V4); len(addrs) != 0 {
			t.Errorf("client link has addresses %v", addrs)
		}
		sleeper = Start(t, l.ClientNS(), filepath.Join(t.TempDir(), "sleep.log"), "sleep", "1000")
		// A detached daemon that no Proc tracks is killed too.
		Run(t, l.ClientNS(), "sh", "-c", "setsid sleep 1001 >/dev/null 2>&1 &")
	})
	for _, ns := range []string{l.ServerNS(), l.ClientNS()} {
		if strings.Contains(namespaces(t), ns) {
			t.Errorf("namespace %s left behind", ns)
		}
	}
	if Alive(sleeper.Pid()) {
		t.Errorf("process %d left running", sleeper.Pid())
	}
	if out, _ := exec.Command("pgrep", "-f", "sleep 1001").Output(); len(out) > 0 {
		for _, pid := range strings.Fields(string(out)) {
			if b, _ := os.ReadFile("/proc/" + pid + "/stat"); !strings.Contains(string(b), ") Z") {
				t.Errorf("detached process %s left running", pid)
			}
		}
	}
}

func TestSixteenClientLinksAllGetOffers(t *testing.T) {
	l := New(t)
	for len(l.ClientIfs()) < 16 {
		name := l.AddClientLink(t)
		if len(name) > 15 {
			t.Fatalf("interface name %q longer than IFNAMSIZ-1", name)
		}
	}
	f := l.StartFake(t, l.FakeConfig(l.DefaultOpts()))
	seen := map[string]bool{}
	for _, ifname := range l.ClientIfs() {
		if l.ServerPeer(ifname) == "" {
			t.Errorf("no server peer for %s", ifname)
		}
		off := l.NewProbe(t, ifname).Discover(t, 10*time.Second)
		if seen[off.YIAddr.String()] {
			t.Errorf("%s offered %v twice", ifname, off.YIAddr)
		}
		seen[off.YIAddr.String()] = true
	}
	if n := len(f.Received()); n < 16 {
		t.Errorf("server received %d messages, want at least 16", n)
	}
}

func TestDoRunsInTheNamespace(t *testing.T) {
	l := New(t)
	var names []string
	err := Do(l.ClientNS(), func() error {
		ifs, err := net.Interfaces()
		for _, i := range ifs {
			names = append(names, i.Name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, " ") != "lo "+l.ClientIf() {
		t.Fatalf("interfaces in client namespace %v, want lo and %s", names, l.ClientIf())
	}
}

func TestAliveTreatsZombiesAsGone(t *testing.T) {
	if !Alive(os.Getpid()) {
		t.Fatal("own process not alive")
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	// Not waited for yet: once it exits it is a zombie.
	deadline := time.Now().Add(5 * time.Second)
	for Alive(cmd.Process.Pid) {
		if time.Now().After(deadline) {
			t.Fatal("exited child still alive")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if b, err := os.ReadFile("/proc/" + itoa(cmd.Process.Pid) + "/stat"); err != nil || !strings.Contains(string(b), ") Z") {
		t.Fatalf("child not a zombie (%v): %s", err, b)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestWaitLogStopsWhenTheProcessExits(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	done := make(chan struct{})
	close(done)
	os.WriteFile(log, []byte("starting\n"), 0o644)
	// The process has exited and the text is absent: the wait ends on the
	// exit, not on its timeout, which would give another error.
	err := waitFile(log, "ready", time.Minute, done)
	if err == nil || !strings.Contains(err.Error(), "process exited before") {
		t.Fatalf("got %v, want the error of a process that exited first", err)
	}
	if err := waitFile(log, "starting", time.Second, nil); err != nil {
		t.Fatalf("present text not found: %v", err)
	}
}

func TestProbeGetsALeaseFromTheFakeServer(t *testing.T) {
	l := New(t)
	opts := l.DefaultOpts()
	f := l.StartFake(t, l.FakeConfig(opts))
	c := l.Capture(t, l.ClientNS(), l.ClientIf())
	p := l.NewProbe(t, l.ClientIf())
	off := p.Discover(t, 10*time.Second)
	ack := p.Request(t, off, 10*time.Second)
	if ack.Type() != dhcp4.Ack || ack.YIAddr != l.Host(100) {
		t.Fatalf("got %v of %v, want DHCPACK of %v", ack.Type(), ack.YIAddr, l.Host(100))
	}
	WaitLog(t, f.Log(), "DHCPACK on "+l.Host(100).String(), 5*time.Second)
	if c != nil {
		WaitLog(t, c.Log(), "DHCP-Message (53), length 1: ACK", 5*time.Second)
	}
}
