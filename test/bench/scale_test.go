//go:build linux

package bench

import (
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
	"github.com/vishvananda/netlink"
)

// scaleRow is one interface count's line of the scaling table.
type scaleRow struct {
	ifaces    int
	bound     summary[time.Duration] // process start to the last address
	half      summary[time.Duration] // process start to the median address
	rss       summary[float64]       // bytes
	ticks     summary[time.Duration] // utime+stime, in clock ticks
	cpu       summary[time.Duration] // time on a CPU, to the nanosecond
	disc      summary[float64]       // DHCPDISCOVERs sent per interface
	srvDrops  summary[float64]       // datagrams the server's full socket dropped
	neighFull summary[float64]       // times the host's ARP table was full (serverLoss)
	// The relink phase: carrier back to the last lease confirmed, the
	// DHCPREQUESTs per interface and the server's losses meanwhile.
	relink          summary[time.Duration]
	relinkReq       summary[float64]
	relinkDrops     summary[float64]
	relinkNeighFull summary[float64]
}

// scaleSample is one run of the scaling benchmark, fields as scaleRow's.
type scaleSample struct {
	bound      time.Duration
	half       time.Duration
	rss        float64
	ticks, cpu time.Duration
	discovers  int        // DHCPDISCOVERs sent until all were bound
	srvLoss    serverLoss // the server's losses meanwhile
	relink     relinkSample
}

// BenchmarkScale runs one leased daemon on K interfaces for each K of
// LEASED_BENCH_IFACES (SPEC §11) and reports, once every interface has
// its address, the daemon's resident memory and CPU time, in total and
// per interface.
func BenchmarkScale(b *testing.B) {
	counts, err := ifaceCounts(os.Getenv(EnvIfaces))
	if err != nil {
		b.Fatal(err)
	}
	leased := leasedBinary(b)
	var rows []scaleRow
	for _, k := range counts {
		b.Run(fmt.Sprintf("ifaces=%d", k), func(b *testing.B) { rows = append(rows, benchScale(b, leased, k)) })
	}
	fmt.Printf("\nOne leased daemon on K interfaces: bind times, then memory and CPU once all are bound and it has gone quiet\n")
	printScaleTable(os.Stdout, rows)
	fmt.Printf("\nThen every link loses its carrier and regains it at once: until each lease is confirmed again (INIT-REBOOT)\n")
	printRelinkTable(os.Stdout, rows)
}

// benchScale measures one daemon on k links b.N times.
func benchScale(b *testing.B, leased string, k int) scaleRow {
	l := lab.New(b)
	for len(l.ClientIfs()) < k {
		l.AddClientLink(b)
	}
	// A second subnet with room for maxIfaces clients: the lab's own
	// /24 holds a hundred.
	wide := &net.IPNet{IP: net.IPv4(172, 30, 0, 1), Mask: net.CIDRMask(20, 32)}
	br, err := l.ServerHandle().LinkByName(l.ServerIf())
	if err == nil {
		err = l.ServerHandle().AddrAdd(br, &netlink.Addr{IPNet: wide})
	}
	if err != nil {
		b.Fatalf("add %v to the server bridge: %v", wide, err)
	}
	names := l.ClientIfs()
	idx := links(b, l, names)
	isolate(b, l, names)
	l.StartDnsmasq(b, lab.ServerOpts{Extra: append([]string{
		"dhcp-range=172.30.0.10,172.30.15.250,255.255.240.0,10m",
		"dhcp-lease-max=5000", // the default, 1000, is one short with the lab's range
		// dnsmasq serves about a hundred packets a second when it logs
		// each one to syslog and stderr and rewrites and fsyncs its
		// lease file after each; it then drops DISCOVERs (UDP receive
		// buffer errors) and the clients' retransmissions measure the
		// server. Without the lease file and with logging to stderr,
		// queued, it keeps up with a thousand clients.
		"leasefile-ro", "log-facility=-", "log-async=100",
	}, reservations(b, l, names)...)})
	w, err := watchAddrs(l.ClientNS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.close()

	var bound, half, ticks, cpu []time.Duration
	var rss, disc, srvDrops, neighFull []float64
	var relink []time.Duration
	var relinkReq, relinkDrops, relinkNeighFull []float64
	for b.Loop() {
		s := scaleOnce(b, l, w, leased, names, idx)
		bound, half = append(bound, s.bound), append(half, s.half)
		ticks, cpu = append(ticks, s.ticks), append(cpu, s.cpu)
		rss = append(rss, s.rss)
		disc = append(disc, float64(s.discovers)/float64(k))
		srvDrops = append(srvDrops, float64(s.srvLoss.rcvbuf))
		neighFull = append(neighFull, float64(s.srvLoss.neighFull))
		relink = append(relink, s.relink.bound)
		relinkReq = append(relinkReq, float64(s.relink.requests)/float64(k))
		relinkDrops = append(relinkDrops, float64(s.relink.srvLoss.rcvbuf))
		relinkNeighFull = append(relinkNeighFull, float64(s.relink.srvLoss.neighFull))
	}
	row := scaleRow{ifaces: k, bound: summarize(bound), half: summarize(half), rss: summarize(rss),
		ticks: summarize(ticks), cpu: summarize(cpu), disc: summarize(disc), srvDrops: summarize(srvDrops),
		neighFull: summarize(neighFull), relink: summarize(relink), relinkReq: summarize(relinkReq),
		relinkDrops: summarize(relinkDrops), relinkNeighFull: summarize(relinkNeighFull)}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(row.bound.Median), "ms/all-bound")
	b.ReportMetric(row.rss.Median/1024/float64(k), "KiB-rss/iface")
	b.ReportMetric(ms(row.cpu.Median)/float64(k), "cpu-ms/iface")
	b.ReportMetric(row.disc.Median, "discovers/iface")
	return row
}

// isolate makes each client link a segment of its own with the server,
// as a thousand interfaces of one host are on a thousand networks: the
// bridge forwards a client's broadcast to the server alone (port
// isolation), not to the 999 other clients' links. Without it, each
// DISCOVER is delivered a thousand times in the client namespace and the
// kernel's flooding, charged to the sending daemon, grows with the
// square of the interface count.
func isolate(b *testing.B, l *lab.Lab, names []string) {
	b.Helper()
	for _, n := range names {
		port, err := l.ServerHandle().LinkByName(l.ServerPeer(n))
		if err == nil {
			err = l.ServerHandle().LinkSetIsolated(port, true)
		}
		if err != nil {
			b.Fatalf("isolate the bridge port of %s: %v", n, err)
		}
	}
}

// reservations gives each client link an address of its own in the wide
// subnet (dnsmasq dhcp-host): dnsmasq picks a dynamic address from a
// hash of the MAC address and does not hold it between OFFER and
// REQUEST, so of 256 clients starting at once about six are offered an
// address another is offered too. The second REQUEST is NAKed, and a
// client in REQUESTING ignores a NAK as ISC dhclient does (no active
// lease, dhclient.c dhcpnak): it binds only after its REQUESTs time out
// and a new DISCOVER, 20 s later. That measures dnsmasq's allocator, not
// the client.
func reservations(b *testing.B, l *lab.Lab, names []string) []string {
	b.Helper()
	var lines []string
	for i, n := range names {
		link, err := l.ClientHandle().LinkByName(n)
		if err != nil {
			b.Fatal(err)
		}
		a := 0xac1e0000 + 10 + i // 172.30.0.10 on
		lines = append(lines, fmt.Sprintf("dhcp-host=%s,172.30.%d.%d", link.Attrs().HardwareAddr, a>>8&0xff, a&0xff))
	}
	return lines
}

// scaleOnce starts the daemon on every link, waits until all are bound
// and returns how long that took, the daemon's RSS and its CPU time.
func scaleOnce(b *testing.B, l *lab.Lab, w *addrWatch, leased string, names []string, idx []int) scaleSample {
	if err := flush(l, names); err != nil {
		b.Fatal(err)
	}
	w.drain()
	dir, err := os.MkdirTemp(b.TempDir(), "run-")
	if err != nil {
		b.Fatal(err)
	}
	loss0, err := readServerLoss(l.ServerNS())
	if err != nil {
		b.Fatal(err)
	}
	argv, err := leasedArgv("")(leased, dir, names[0])
	if err != nil {
		b.Fatal(err)
	}
	argv = append(argv, names[1:]...)
	p, err := startIn(l.ClientNS(), filepath.Join(dir, "daemon.log"), argv...)
	if err != nil {
		b.Fatal(err)
	}
	defer p.stop()
	got, err := w.wait(idx, time.Minute+time.Duration(len(names))*100*time.Millisecond, p.done)
	if err != nil {
		b.Fatalf("%v\n--- %s ---\n%s", err, p.log, p.logTail())
	}
	// Memory and CPU once the daemon has gone quiet: its hooks have run
	// and what start-up used is collected, the footprint it keeps.
	if err := settle(p); err != nil {
		b.Fatal(err)
	}
	rss, err := rssBytes(p.pid())
	if err != nil {
		b.Fatal(err)
	}
	ticks, err := cpuTicks(p.pid())
	if err != nil {
		b.Fatal(err)
	}
	cpu, err := cpuSched(p.pid())
	if err != nil {
		b.Fatal(err)
	}
	discovers, err := countLines(p.log, discoverLine)
	if err != nil {
		b.Fatal(err)
	}
	loss1, err := readServerLoss(l.ServerNS())
	if err != nil {
		b.Fatal(err)
	}
	var each []time.Duration
	for at := range maps.Values(got) {
		each = append(each, at.Sub(p.started))
	}
	t := summarize(each)
	relink, err := relinkOnce(l, p, names)
	if err != nil {
		b.Fatalf("%v\n--- %s ---\n%s", err, p.log, p.logTail())
	}
	return scaleSample{bound: t.Max, half: t.Median, rss: float64(rss), ticks: ticks, cpu: cpu, discovers: discovers, srvLoss: loss1.since(loss0), relink: relink}
}
