//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestBoundDaemonClosesPacketSocket: bound with forcerenew off, the
// daemon holds no packet socket (SPEC §4: the packet socket while
// unconfigured); a renewal opens one before its DHCPREQUEST goes out,
// dnsmasq's DHCPACK is read through it and the lease renewed, and once
// bound again the socket is closed.
func TestBoundDaemonClosesPacketSocket(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: time.Hour})
	r := newDaemonRig(t, l, "")
	ifname := l.ClientIf()
	p := lab.Start(t, l.ClientNS(), filepath.Join(r.dir, "daemon.log"), r.argv([]string{"-d", "-v"}, ifname)...)
	p.WaitLog(t, "bound to ", daemonBindLimit)
	r.waitReason(t, "BOUND", 5*time.Second)
	waitPacketSockets(t, p.Pid(), 0, "bound")

	lab.Run(t, l.ClientNS(), dhclientctlBin, "-s", filepath.Join(r.dir, "dhclient.sock"), "renew", ifname)
	r.waitReason(t, "RENEW", 20*time.Second)
	if got := strings.Count(lab.ReadFile(t, p.Log()), "DHCPACK of "); got != 2 {
		t.Errorf("%d DHCPACKs logged, want the binding one and the renewal's", got)
	}
	waitPacketSockets(t, p.Pid(), 0, "bound again after the renewal")
	if reasons := r.reasons(); strings.Join(reasons, " ") != "PREINIT BOUND RENEW" {
		t.Errorf("hooks %v, want PREINIT BOUND RENEW", reasons)
	}
}

// waitPacketSockets waits until process pid holds want packet sockets.
func waitPacketSockets(t *testing.T, pid, want int, when string) {
	t.Helper()
	var n int
	var err error
	if lab.Until(5*time.Second, func() bool { n, err = packetSockets(pid); return err == nil && n == want }) != nil {
		t.Errorf("%s: %d packet sockets open (%v), want %d", when, n, err, want)
	}
}

// packetSockets counts the AF_PACKET sockets among process pid's open
// files: the descriptors whose socket inode /proc/PID/net/packet, the
// packet sockets of its network namespace, lists.
func packetSockets(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/packet", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	inodes := make(map[string]bool)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[0] != "sk" {
			inodes[fields[len(fields)-1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		inode, ok := strings.CutPrefix(target, "socket:[")
		if ok && inodes[strings.TrimSuffix(inode, "]")] {
			n++
		}
	}
	return n, nil
}
