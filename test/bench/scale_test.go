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
	ifaces int
	bound  summary[time.Duration] // process start to the last address
	half   summary[time.Duration] // process start to the median address
	rss    summary[float64]       // bytes
	ticks  summary[time.Duration] // utime+stime, in clock ticks
	cpu    summary[time.Duration] // time on a CPU, to the nanosecond
}

// scaleSample is one run of the scaling benchmark, fields as scaleRow's.
type scaleSample struct {
	bound      time.Duration
	half       time.Duration
	rss        float64
	ticks, cpu time.Duration
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
	fmt.Printf("\nOne leased daemon on K interfaces, measured when all are bound\n")
	printScaleTable(os.Stdout, rows)
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
	l.StartDnsmasq(b, lab.ServerOpts{Extra: []string{
		"dhcp-range=172.30.0.10,172.30.15.250,255.255.240.0,10m",
		"dhcp-lease-max=5000", // the default, 1000, is one short with the lab's range
	}})
	w, err := watchAddrs(l.ClientNS())
	if err != nil {
		b.Fatal(err)
	}
	defer w.close()
	names := l.ClientIfs()
	idx := links(b, l, names)

	var bound, half, ticks, cpu []time.Duration
	var rss []float64
	for b.Loop() {
		s := scaleOnce(b, l, w, leased, names, idx)
		bound, half = append(bound, s.bound), append(half, s.half)
		ticks, cpu = append(ticks, s.ticks), append(cpu, s.cpu)
		rss = append(rss, s.rss)
	}
	row := scaleRow{ifaces: k, bound: summarize(bound), half: summarize(half), rss: summarize(rss),
		ticks: summarize(ticks), cpu: summarize(cpu)}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(row.bound.Median), "ms/all-bound")
	b.ReportMetric(row.rss.Median/1024/float64(k), "KiB-rss/iface")
	b.ReportMetric(ms(row.cpu.Median)/float64(k), "cpu-ms/iface")
	return row
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
	var each []time.Duration
	for at := range maps.Values(got) {
		each = append(each, at.Sub(p.started))
	}
	t := summarize(each)
	return scaleSample{bound: t.Max, half: t.Median, rss: float64(rss), ticks: ticks, cpu: cpu}
}
