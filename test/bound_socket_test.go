//go:build linux

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestBoundDaemonQuietsPacketSocket: bound with forcerenew off, the
// daemon's packet socket passes nothing (SPEC §4: the packet socket
// while unconfigured): a DHCPFORCERENEW from the server never reaches
// it, so none is counted as dropped. A renewal has the same socket
// listen again before its DHCPREQUEST goes out, and the server's DHCPACK
// is read through it.
func TestBoundDaemonQuietsPacketSocket(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartFake(t, l.FakeConfig(lab.ServerOpts{LeaseTime: time.Hour}))
	r := newDaemonRig(t, l, "")
	ifname := l.ClientIf()
	sock := filepath.Join(r.dir, "dhclient.sock")
	p := lab.Start(t, l.ClientNS(), filepath.Join(r.dir, "daemon.log"), r.argv([]string{"-d", "-v"}, ifname)...)
	p.WaitLog(t, "bound to ", daemonBindLimit)
	r.waitReason(t, "BOUND", 5*time.Second)
	first := packetSockets(t, p.Pid())
	if len(first) != 1 {
		t.Fatalf("bound: packet sockets %v, want one", first)
	}
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	srv.SendForceRenew(t, link.Attrs().HardwareAddr, ctlStatus(t, sock, ifname).Address.Addr(), nil)

	lab.Run(t, l.ClientNS(), dhclientctlBin, "-s", sock, "renew", ifname)
	r.waitReason(t, "RENEW", 20*time.Second)
	if got := strings.Count(lab.ReadFile(t, p.Log()), "DHCPACK of "); got != 2 {
		t.Errorf("%d DHCPACKs logged, want the binding one and the renewal's", got)
	}
	if st := ctlStatus(t, sock, ifname); st.State != "BOUND" || len(st.Dropped) != 0 {
		t.Errorf("after the renewal: %s, dropped %v; want BOUND, and the FORCERENEW sent while bound never read", st.State, st.Dropped)
	}
	if again := packetSockets(t, p.Pid()); !slices.Equal(again, first) {
		t.Errorf("packet sockets %v after the renewal, want the same one, %v", again, first)
	}
}

// packetSockets lists the inodes of the AF_PACKET sockets among process
// pid's open files: the descriptors whose socket inode
// /proc/PID/net/packet, the packet sockets of its network namespace,
// lists.
func packetSockets(t *testing.T, pid int) []string {
	t.Helper()
	inodes := make(map[string]bool)
	for i, line := range strings.Split(lab.ReadFile(t, fmt.Sprintf("/proc/%d/net/packet", pid)), "\n") {
		if fields := strings.Fields(line); i > 0 && len(fields) > 0 {
			inodes[fields[len(fields)-1]] = true
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		inode, ok := strings.CutPrefix(target, "socket:[")
		if inode = strings.TrimSuffix(inode, "]"); ok && inodes[inode] {
			found = append(found, inode)
		}
	}
	slices.Sort(found)
	return found
}
