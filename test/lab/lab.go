//go:build linux

package lab

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Lab is a server namespace and a client namespace joined by veth pairs.
// The server ends of all pairs are ports of one bridge that holds the
// server address, so one DHCP server serves every client link in one
// subnet. The client ends are up and carry no address.
type Lab struct {
	id       string
	serverNS string
	clientNS string
	bridge   string
	subnet   netip.Prefix
	srv      *netlink.Handle
	cli      *netlink.Handle
	clientIf []string
}

// New builds a lab with one client link and registers its teardown with
// t.Cleanup: processes still running in either namespace are killed and
// both namespaces, with every interface in them, are deleted. New calls
// Require first.
func New(t testing.TB) *Lab {
	t.Helper()
	Require(t)
	id := randHex(4)
	l := &Lab{
		id:       id,
		serverNS: "leased-" + id + "-s",
		clientNS: "leased-" + id + "-c",
		bridge:   "lb" + id,
		subnet:   randomSubnet(),
	}
	t.Cleanup(func() { l.teardown(t) })
	for _, ns := range []string{l.serverNS, l.clientNS} {
		mustIP(t, "netns", "add", ns)
		mustIP(t, "-n", ns, "link", "set", "lo", "up")
	}
	l.srv = handleAt(t, l.serverNS)
	l.cli = handleAt(t, l.clientNS)
	if err := l.addBridge(); err != nil {
		t.Fatal(err)
	}
	l.AddClientLink(t)
	return l
}

// ServerNS is the name of the server namespace (as ip netns knows it).
func (l *Lab) ServerNS() string { return l.serverNS }

// ClientNS is the name of the client namespace.
func (l *Lab) ClientNS() string { return l.clientNS }

// ServerIf is the interface servers listen on: the bridge holding
// ServerAddr, whose ports are the server ends of every client link.
func (l *Lab) ServerIf() string { return l.bridge }

// ClientIf is the first client interface.
func (l *Lab) ClientIf() string { return l.clientIf[0] }

// ClientIfs lists every client interface in the order they were added.
func (l *Lab) ClientIfs() []string { return append([]string(nil), l.clientIf...) }

// ServerAddr is the server's address, the first of Subnet.
func (l *Lab) ServerAddr() netip.Addr { return l.subnet.Addr().Next() }

// Subnet is the lab's /24, 10.(100-199).N.0/24 picked at random.
func (l *Lab) Subnet() netip.Prefix { return l.subnet }

// Host returns the address with host part n in Subnet (n from 1 to 254).
func (l *Lab) Host(n int) netip.Addr {
	b := l.subnet.Addr().As4()
	b[3] = byte(n)
	return netip.AddrFrom4(b)
}

// ClientHandle is a netlink handle in the client namespace, for checking
// the kernel state a DHCP client leaves behind. The lab closes it.
func (l *Lab) ClientHandle() *netlink.Handle { return l.cli }

// ServerHandle is a netlink handle in the server namespace. The lab
// closes it.
func (l *Lab) ServerHandle() *netlink.Handle { return l.srv }

func (l *Lab) teardown(t testing.TB) {
	for _, ns := range []string{l.clientNS, l.serverNS} {
		killAllIn(t, ns)
	}
	for _, h := range []*netlink.Handle{l.cli, l.srv} {
		if h != nil {
			h.Close()
		}
	}
	for _, ns := range []string{l.clientNS, l.serverNS} {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil &&
			!strings.Contains(string(out), "No such file") {
			t.Errorf("delete namespace %s: %v: %s", ns, err, out)
		}
	}
}

// handleAt opens a netlink handle inside the named namespace.
func handleAt(t testing.TB, ns string) *netlink.Handle {
	t.Helper()
	nsh, err := netns.GetFromName(ns)
	if err != nil {
		t.Fatalf("open namespace %s: %v", ns, err)
	}
	defer nsh.Close()
	h, err := netlink.NewHandleAt(nsh)
	if err != nil {
		t.Fatalf("netlink handle in %s: %v", ns, err)
	}
	return h
}

// mustIP runs ip(8) with args and fails t on error.
func mustIP(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// randHex returns n random bytes in hex.
func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// randomSubnet picks 10.(100-199).N.0/24.
func randomSubnet() netip.Prefix {
	second := 100 + randInt(100)
	third := randInt(256)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(second), byte(third), 0}), 24)
}

func randInt(n int64) int {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on Linux
	}
	return int(v.Int64())
}
