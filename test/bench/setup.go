//go:build linux

package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/leased/leased/test/lab"
	"github.com/vishvananda/netlink"
)

// EnvDhclient names the leased dhclient binary to measure; make bench
// sets it to bin/dhclient. Unset, the benchmark builds cmd/dhclient
// itself.
const EnvDhclient = "LEASED_BENCH_DHCLIENT"

// leasedBinary is the dhclient under test (see EnvDhclient).
func leasedBinary(b *testing.B) string {
	b.Helper()
	if p := os.Getenv(EnvDhclient); p != "" {
		if !isExec(p) {
			b.Fatalf("%s=%s: not an executable file (run make build)", EnvDhclient, p)
		}
		return p
	}
	out := filepath.Join(b.TempDir(), "dhclient")
	if err := lab.Build(out, "github.com/leased/leased/cmd/dhclient"); err != nil {
		b.Fatal(err)
	}
	return out
}

// newLab is lab.New, and removes the files dhcpcd kept for the lab's
// first client link once the lab's teardown has killed every process in
// it: a privilege separation helper of dhcpcd outlives its process group
// and may write them after each run's own cleanup.
func newLab(b *testing.B) *lab.Lab {
	var ifname string
	b.Cleanup(func() { // runs after the lab's teardown, registered later
		if ifname != "" {
			dhcpcdCleanup(ifname)
		}
	})
	l := lab.New(b)
	ifname = l.ClientIf()
	return l
}

// links resolves interface names in the lab's client namespace to their
// indexes, the keys of address events.
func links(b *testing.B, l *lab.Lab, names []string) []int {
	b.Helper()
	idx := make([]int, len(names))
	for i, n := range names {
		link, err := l.ClientHandle().LinkByName(n)
		if err != nil {
			b.Fatal(err)
		}
		idx[i] = link.Attrs().Index
	}
	return idx
}

// flush deletes every IPv4 address from the lab's client links, so that
// each run starts from an unconfigured interface.
func flush(l *lab.Lab, names []string) error {
	h := l.ClientHandle()
	for _, n := range names {
		link, err := h.LinkByName(n)
		if err != nil {
			return err
		}
		addrs, err := h.AddrList(link, netlink.FAMILY_V4)
		if err != nil {
			return fmt.Errorf("list addresses of %s: %w", n, err)
		}
		for _, a := range addrs {
			if err := h.AddrDel(link, &a); err != nil {
				return fmt.Errorf("delete %v from %s: %w", a.IPNet, n, err)
			}
		}
	}
	return nil
}

// setUp sets the client's link ifname administratively up, waiting
// until the lab passes packets on it (lab.SetClientLinkUp), or down.
func setUp(l *lab.Lab, ifname string, up bool) error {
	if up {
		return l.SetClientLinkUp(ifname)
	}
	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err == nil {
		err = h.LinkSetDown(link)
	}
	if err != nil {
		return fmt.Errorf("set %s down: %w", ifname, err)
	}
	return nil
}

// killLeftovers kills what a client left running in namespace ns after
// its process group was stopped (a daemon that detached, a privilege
// separation helper) and reports their pids, so that no client runs
// beside the next one.
func killLeftovers(ns string) []int {
	out, err := exec.Command("ip", "netns", "pids", ns).Output()
	if err != nil {
		return nil
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 1 || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// programVersion is the first line of a program's version output.
func programVersion(argv ...string) string {
	out, _ := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return v
}

// firstWords is the first n words of s.
func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}
