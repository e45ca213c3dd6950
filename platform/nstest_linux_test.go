package platform

import (
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"os"
	"runtime"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// testNS is a network namespace private to one test, held open by a file
// descriptor. Code runs in it on a goroutine locked to a thread that has
// joined it; that thread is discarded afterwards (the goroutine exits
// locked), so no other goroutine ever runs in the namespace by accident.
// Sockets and netlink handles opened there stay in it.
type testNS struct{ fd int }

// newNS creates a fresh network namespace, or skips the test without
// CAP_NET_ADMIN (CI runs as root, so it runs there).
func newNS(t *testing.T) *testNS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (CAP_NET_ADMIN) to create a network namespace")
	}
	type res struct {
		fd  int
		err error
	}
	ch := make(chan res)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- res{-1, fmt.Errorf("unshare: %w", err)}
			return
		}
		fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		ch <- res{fd, err}
	}()
	r := <-ch
	if errors.Is(r.err, os.ErrPermission) {
		t.Skipf("needs root (CAP_NET_ADMIN): %v", r.err)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { unix.Close(r.fd) })
	return &testNS{fd: r.fd}
}

// do runs fn inside the namespace and waits for it.
func (n *testNS) do(t *testing.T, fn func() error) {
	t.Helper()
	if err := <-n.goDo(fn); err != nil {
		t.Fatal(err)
	}
}

// goDo runs fn inside the namespace and delivers its result on the
// returned channel.
func (n *testNS) goDo(fn func() error) <-chan error {
	ch := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked, as above
		if err := unix.Setns(n.fd, unix.CLONE_NEWNET); err != nil {
			ch <- fmt.Errorf("setns: %w", err)
			return
		}
		ch <- fn()
	}()
	return ch
}

// nsConfigurator is a Configurator whose calls run inside a test
// namespace, each on a thread that joined it, as the daemon's run in its
// own.
type nsConfigurator struct {
	ns *testNS
	c  *Configurator
}

// configurator returns a new Configurator working in the namespace.
func (n *testNS) configurator() nsConfigurator { return nsConfigurator{ns: n, c: NewConfigurator()} }

func (c nsConfigurator) Up(ifname string) error {
	return <-c.ns.goDo(func() error { return c.c.Up(ifname) })
}

func (c nsConfigurator) Apply(ifname string, b Binding) error {
	return <-c.ns.goDo(func() error { return c.c.Apply(ifname, b) })
}

func (c nsConfigurator) Remove(ifname string, b Binding) error {
	return <-c.ns.goDo(func() error { return c.c.Remove(ifname, b) })
}

// handle opens a netlink handle bound to the namespace.
func (n *testNS) handle(t *testing.T) *netlink.Handle {
	t.Helper()
	var h *netlink.Handle
	n.do(t, func() (err error) { h, err = netlink.NewHandle(); return err })
	t.Cleanup(h.Close)
	return h
}

// linkNames returns two interface names unique to the test, derived
// from its name.
func linkNames(t *testing.T) (string, string) {
	f := fnv.New32a()
	f.Write([]byte(t.Name()))
	base := fmt.Sprintf("lt%08x", f.Sum32())
	return base + "a", base + "b"
}

// vethPair creates a veth pair in h's namespace, optionally moving the
// peer into peerNS, and sets both ends up.
func vethPair(t *testing.T, h *netlink.Handle, peer *testNS) (local, remote string) {
	t.Helper()
	local, remote = linkNames(t)
	v := vethLink(local, remote)
	if peer != nil {
		v.PeerNamespace = netlink.NsFd(peer.fd)
	}
	if err := h.LinkAdd(v); err != nil {
		t.Fatalf("add veth %s/%s: %v", local, remote, err)
	}
	setUp(t, h, local)
	return local, remote
}

func setUp(t *testing.T, h *netlink.Handle, name string) {
	t.Helper()
	l, err := h.LinkByName(name)
	if err == nil {
		err = h.LinkSetUp(l)
	}
	if err != nil {
		t.Fatalf("set %s up: %v", name, err)
	}
}

func linkByName(t *testing.T, h *netlink.Handle, name string) netlink.Link {
	t.Helper()
	l, err := h.LinkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustCIDR(s string) *net.IPNet {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	n.IP = ip
	return n
}

func vethLink(name, peer string) *netlink.Veth {
	return &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name}, PeerName: peer}
}
