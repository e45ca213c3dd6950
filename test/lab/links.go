//go:build linux

package lab

import (
	"fmt"
	"net"
	"strconv"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// maxIfName is IFNAMSIZ less the terminating NUL.
const maxIfName = 15

// addBridge creates the server bridge with a fixed MAC address (a bridge
// otherwise takes the lowest MAC of its ports, which would change the
// server's address under the client's ARP cache as links are added) and
// gives it ServerAddr/24.
func (l *Lab) addBridge() error {
	mac, _ := net.ParseMAC("02:1e:a5:ed:00:01")
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: l.bridge, HardwareAddr: mac}}
	if err := l.srv.LinkAdd(br); err != nil {
		return fmt.Errorf("add bridge %s: %w", l.bridge, err)
	}
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: l.ServerAddr().AsSlice(), Mask: net.CIDRMask(24, 32)}}
	if err := l.srv.AddrAdd(br, addr); err != nil {
		return fmt.Errorf("address bridge %s: %w", l.bridge, err)
	}
	if err := l.srv.LinkSetUp(br); err != nil {
		return fmt.Errorf("bring up bridge %s: %w", l.bridge, err)
	}
	return nil
}

// AddClientLink adds one more veth pair: the client end (returned) in the
// client namespace, up and unconfigured; the server end a port of the
// server bridge. The first link is made by New.
func (l *Lab) AddClientLink(t testing.TB) string {
	t.Helper()
	n := len(l.clientIf)
	cliName := "lc" + l.id + strconv.Itoa(n)
	srvName := "ls" + l.id + strconv.Itoa(n)
	if len(cliName) > maxIfName {
		t.Fatalf("too many client links: %s exceeds IFNAMSIZ", cliName)
	}
	if err := l.addVeth(srvName, cliName); err != nil {
		t.Fatal(err)
	}
	l.clientIf = append(l.clientIf, cliName)
	return cliName
}

func (l *Lab) addVeth(srvName, cliName string) error {
	clientNS, err := netns.GetFromName(l.clientNS)
	if err != nil {
		return fmt.Errorf("open namespace %s: %w", l.clientNS, err)
	}
	defer clientNS.Close()
	br, err := l.srv.LinkByName(l.bridge)
	if err != nil {
		return fmt.Errorf("find bridge %s: %w", l.bridge, err)
	}
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: srvName, MasterIndex: br.Attrs().Index},
		PeerName:      cliName,
		PeerNamespace: netlink.NsFd(int(clientNS)),
	}
	if err := l.srv.LinkAdd(veth); err != nil {
		return fmt.Errorf("add veth %s/%s: %w", srvName, cliName, err)
	}
	if err := l.srv.LinkSetUp(veth); err != nil {
		return fmt.Errorf("bring up %s: %w", srvName, err)
	}
	return l.raiseClientEnd(srvName, cliName)
}

// SetClientLinkUp sets the client link ifname up (again, after a test
// set it down) and waits until it, its server end and the bridge pass
// packets.
func (l *Lab) SetClientLinkUp(ifname string) error {
	return l.raiseClientEnd(l.ServerPeer(ifname), ifname)
}

// raiseClientEnd sets the client end cliName of a veth pair up and waits
// until it, its server end srvName and the bridge are operational.
func (l *Lab) raiseClientEnd(srvName, cliName string) error {
	peer, err := l.cli.LinkByName(cliName)
	if err != nil {
		return fmt.Errorf("find %s in %s: %w", cliName, l.clientNS, err)
	}
	if err := l.cli.LinkSetUp(peer); err != nil {
		return fmt.Errorf("bring up %s: %w", cliName, err)
	}
	if err := waitOperUp(l.serverNS, l.bridge, srvName); err != nil {
		return err
	}
	return waitOperUp(l.clientNS, cliName)
}

// ServerPeer returns the server end of the client link ifname, to take a
// link down from the server side.
func (l *Lab) ServerPeer(ifname string) string {
	for i, c := range l.clientIf {
		if c == ifname {
			return "ls" + l.id + strconv.Itoa(i)
		}
	}
	return ""
}
