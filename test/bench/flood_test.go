//go:build linux

package bench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
	"github.com/mdlayher/packet"
	"golang.org/x/sys/unix"
)

// floodRate and floodSlice: the flood benchmark sends floodRate packets
// a second, floodSlice per iteration (make bench's 10 runs: 30 s).
const (
	floodRate  = 1000
	floodSlice = 3 * time.Second
)

// BenchmarkFlood floods a bound leased daemon with malformed and
// wrong-xid packets (floodKinds in turn, floodRate a second, on its
// link) and reports the CPU share it took, its RSS before and after, and
// the drop counters of dhclientctl status -json (issue 12: shed in the
// kernel where it can be, dropped and counted before any allocation that
// grows with the packet otherwise). It runs twice: by default a bound
// daemon's packet socket passes nothing and the flood never leaves the
// kernel; with forcerenew on it reads the socket, for a DHCPFORCERENEW.
func BenchmarkFlood(b *testing.B) {
	for _, c := range []struct{ name, conf string }{
		{"default", ""},
		{"forcerenew", "forcerenew on;\n"},
	} {
		b.Run(c.name, func(b *testing.B) { floodBound(b, c.name, c.conf) })
	}
}

// floodBound is BenchmarkFlood's run of a daemon with dhclient.conf
// conf, printed under name.
func floodBound(b *testing.B, name, conf string) {
	leased := leasedBinary(b)
	ctl := dhclientctl(b, leased)
	l := newLab(b)
	l.StartDnsmasq(b, lab.ServerOpts{LeaseTime: 12 * time.Hour})
	w, err := watchAddrs(l.ClientNS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.close()
	dir := b.TempDir()
	ifname := l.ClientIf()
	argv, err := leasedArgv(conf)(leased, dir, ifname)
	if err != nil {
		b.Fatal(err)
	}
	p, err := startIn(l.ClientNS(), filepath.Join(dir, "client.log"), argv...)
	if err != nil {
		b.Fatal(err)
	}
	defer p.stop()
	if _, err := w.wait(links(b, l, []string{ifname}), bindTimeout, p.done); err != nil {
		b.Fatalf("%v\n--- %s ---\n%s", err, p.log, p.logTail())
	}
	if err := settle(p); err != nil {
		b.Fatal(err)
	}
	sock := filepath.Join(dir, "dhclient.sock")
	xid := ackXID(b, ctl, sock, ifname)
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		b.Fatal(err)
	}
	inject := injector(b, l, ifname)
	defer inject.Close()

	rss0, err := rssBytes(p.pid())
	if err != nil {
		b.Fatal(err)
	}
	split0 := rssSplit(p.pid())
	r := rand.New(rand.NewPCG(1, 2))
	var shares []float64
	sent := 0
	for b.Loop() {
		cpu0, err0 := cpuSched(p.pid())
		start := time.Now()
		sent += flood(b, inject, r, link.Attrs().HardwareAddr, xid, floodSlice)
		cpu1, err1 := cpuSched(p.pid())
		if err0 != nil || err1 != nil {
			b.Fatalf("daemon gone: %v %v\n%s", err0, err1, p.logTail())
		}
		shares = append(shares, float64(cpu1-cpu0)/float64(time.Since(start)))
	}
	rss1, err := rssBytes(p.pid())
	if err != nil {
		b.Fatal(err)
	}
	dropped, state := dropCounters(b, ctl, sock, ifname)
	s := summarize(shares)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(100*s.Median, "%cpu")
	b.ReportMetric(float64(rss1-rss0)/1024, "KiB-rss-growth")
	fmt.Printf("\nA bound leased daemon (%s) flooded with %d hostile packets, %d/s for %v (%d kinds in turn)\n",
		name, sent, floodRate, time.Duration(len(shares))*floodSlice, len(floodKinds))
	fmt.Printf("%-28s %8.2f %% (max %.2f %%, %d slices of %v)\n", "CPU share of one core, median", 100*s.Median, 100*s.Max, s.N, floodSlice)
	fmt.Printf("%-28s %8.2f MiB (%s)\n%-28s %8.2f MiB (%+.0f KiB; %s)\n", "RSS before", float64(rss0)/(1<<20), split0,
		"RSS after", float64(rss1)/(1<<20), float64(rss1-rss0)/1024, rssSplit(p.pid()))
	fmt.Printf("%-28s %s, dropped in user space %v (the rest never left the kernel)\n", "state after", state, dropped)
}

// flood sends floodRate packets a second for d, catching up every 10 ms
// with what is due by then, and returns how many it sent.
func flood(b *testing.B, c *packet.Conn, r *rand.Rand, chaddr net.HardwareAddr, xid uint32, d time.Duration) int {
	bcast := &packet.Addr{HardwareAddr: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	n := 0
	start := time.Now()
	for elapsed := time.Duration(0); elapsed < d; elapsed = time.Since(start) {
		for due := int(elapsed * floodRate / time.Second); n <= due; n++ {
			k := floodKinds[n%len(floodKinds)]
			if _, err := c.WriteTo(k.build(r, chaddr, xid), bcast); err != nil {
				b.Fatalf("send %s: %v", k.name, err)
			}
		}
		time.Sleep(10 * time.Millisecond) // pacing, not a wait for an event
	}
	return n
}

// rssSplit is a process's resident memory by kind: anonymous (heap,
// stacks) and file-backed (the program's pages).
func rssSplit(pid int) string {
	path := fmt.Sprintf("/proc/%d/status", pid)
	anon, err1 := statusField(path, "RssAnon")
	file, err2 := statusField(path, "RssFile")
	if err1 != nil || err2 != nil {
		return "split unknown"
	}
	return fmt.Sprintf("anon %.2f, file %.2f", float64(anon)/1024, float64(file)/1024)
}

// injector opens a packet socket on the server's end of ifname's link.
func injector(b *testing.B, l *lab.Lab, ifname string) *packet.Conn {
	var c *packet.Conn
	if err := lab.Do(l.ServerNS(), func() error {
		ifi, err := net.InterfaceByName(l.ServerPeer(ifname))
		if err == nil {
			c, err = packet.Listen(ifi, packet.Datagram, unix.ETH_P_IP, nil)
		}
		return err
	}); err != nil {
		b.Fatalf("open the flood's socket: %v", err)
	}
	return c
}

// dhclientctl is the dhclientctl beside the dhclient under test, or one
// built for the benchmark.
func dhclientctl(b *testing.B, leased string) string {
	if p := filepath.Join(filepath.Dir(leased), "dhclientctl"); isExec(p) {
		return p
	}
	out := filepath.Join(b.TempDir(), "dhclientctl")
	if err := lab.Build(out, "github.com/leased/leased/cmd/dhclientctl"); err != nil {
		b.Fatal(err)
	}
	return out
}

// ackXID is the xid of the daemon's last DHCPACK on ifname: the xid its
// filters match while it is bound.
func ackXID(b *testing.B, ctl, sock, ifname string) uint32 {
	out, err := exec.Command(ctl, "-s", sock, "-json", "getpacket", ifname).Output()
	if err != nil {
		b.Fatalf("dhclientctl getpacket: %v", err)
	}
	var reply struct {
		Packet struct {
			XID string `json:"xid"`
		} `json:"packet"`
	}
	if err := json.Unmarshal(out, &reply); err != nil {
		b.Fatalf("dhclientctl getpacket: %v\n%s", err, out)
	}
	x, err := strconv.ParseUint(reply.Packet.XID, 0, 32)
	if err != nil {
		b.Fatalf("dhclientctl getpacket: xid %q: %v\n%s", reply.Packet.XID, err, out)
	}
	return uint32(x)
}

// dropCounters reads ifname's state and drop counters from dhclientctl
// status -json.
func dropCounters(b *testing.B, ctl, sock, ifname string) (map[string]uint64, string) {
	out, err := exec.Command(ctl, "-s", sock, "-json", "status", ifname).Output()
	if err != nil {
		b.Fatalf("dhclientctl status: %v", err)
	}
	var st struct {
		Interfaces []struct {
			Name    string            `json:"name"`
			State   string            `json:"state"`
			Dropped map[string]uint64 `json:"dropped"`
		} `json:"interfaces"`
	}
	if err := json.Unmarshal(out, &st); err != nil {
		b.Fatalf("dhclientctl status -json: %v\n%s", err, out)
	}
	for _, s := range st.Interfaces {
		if s.Name == ifname {
			return s.Dropped, s.State
		}
	}
	b.Fatalf("dhclientctl status -json: no %s\n%s", ifname, out)
	return nil, ""
}
