//go:build linux

package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// bindTimeout bounds one bind; dhcpcd's defaults alone take seconds.
const bindTimeout = 30 * time.Second

// bindRow is one client's line of the bind time table.
type bindRow struct {
	name, version string
	status        string // why there are no samples, or ""
	times         summary[time.Duration]
}

// bindLab is what every run of the bind benchmark shares: one lab with
// dnsmasq at its defaults, one client link and a watch on its addresses.
type bindLab struct {
	lab    *lab.Lab
	ifname string
	link   int
	watch  *addrWatch
	leased string
}

// BenchmarkBindTime measures, per client, the time from the client's
// process start to its address on the link (SPEC §11), N runs each, each
// from an unconfigured link and no lease file, and prints a table of
// medians and their ratio to leased's.
func BenchmarkBindTime(b *testing.B) {
	env := newBindLab(b, lab.ServerOpts{})

	var rows []bindRow
	var base time.Duration
	for _, c := range clients() {
		row := bindRow{name: c.name, status: "not run"}
		b.Run(c.name, func(b *testing.B) { row = benchBind(b, env, c, base) })
		if c.name == "leased" {
			base = row.times.Median
		}
		rows = append(rows, row)
	}
	var floor summary[time.Duration]
	b.Run("floor", func(b *testing.B) { floor = benchFloor(b) })
	bin, _ := lookSbin("dnsmasq")
	fmt.Printf("\nBind time: from process start to the IPv4 address on the link, against %s on a veth pair\n",
		firstWords(programVersion(bin, "--version"), 3))
	printBindTable(os.Stdout, rows, base)
	fmt.Printf("floor: dnsmasq's two round trips from an open socket, median %.1f ms over %d\n", ms(floor.Median), floor.N)
}

// benchBind runs client c b.N times and reports its times; base is
// leased's median, 0 while leased itself runs.
func benchBind(b *testing.B, env *bindLab, c client, base time.Duration) bindRow {
	row := bindRow{name: c.name}
	bin, version, err := c.find(env.leased)
	row.version = version
	if errors.Is(err, errNotInstalled) {
		row.status = "not installed"
		b.Skipf("%s: %v", c.name, err)
	}
	if err != nil {
		row.status = "FAILED: " + err.Error()
		b.Fatal(err)
	}
	var samples []time.Duration
	for b.Loop() {
		d, err := bindOnce(b, env, c, bin)
		if err != nil {
			row.status = "FAILED: " + err.Error()
			b.Fatalf("%s: %v", c.name, err)
		}
		samples = append(samples, d)
	}
	row.times = summarize(samples)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(row.times.Median), "ms/bind")
	b.ReportMetric(ms(row.times.Min), "min-ms")
	b.ReportMetric(ms(row.times.Max), "max-ms")
	if base > 0 {
		b.ReportMetric(ratio(row.times.Median, base), "x-leased")
	}
	return row
}

// bindOnce starts one client on a flushed link with fresh files and
// returns the time until its address appeared.
func bindOnce(b *testing.B, env *bindLab, c client, bin string) (time.Duration, error) {
	dir, err := os.MkdirTemp(b.TempDir(), "run-")
	if err != nil {
		return 0, err
	}
	argv, err := c.argv(bin, dir, env.ifname)
	if err != nil {
		return 0, err
	}
	if err := flush(env.lab, []string{env.ifname}); err != nil {
		return 0, err
	}
	env.watch.drain()
	p, err := startIn(env.lab.ClientNS(), filepath.Join(dir, "client.log"), argv...)
	if err != nil {
		return 0, err
	}
	got, werr := env.watch.wait([]int{env.link}, bindTimeout, p.done)
	p.stop()
	if left := killLeftovers(env.lab.ClientNS()); len(left) > 0 {
		b.Logf("%s left processes %v running after its process group stopped; killed", c.name, left)
	}
	if c.cleanup != nil {
		c.cleanup(env.ifname)
	}
	if werr != nil {
		return 0, fmt.Errorf("%w\n--- %s ---\n%s", werr, p.log, p.logTail())
	}
	return got[env.link].Sub(p.started), nil
}

// newBindLab is a lab with dnsmasq started with opts and the client
// link's addresses watched: what each bind-time benchmark measures on.
func newBindLab(b *testing.B, opts lab.ServerOpts) *bindLab {
	l := newLab(b)
	l.StartDnsmasq(b, opts)
	w, err := watchAddrs(l.ClientNS())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(w.close)
	env := &bindLab{lab: l, ifname: l.ClientIf(), watch: w, leased: leasedBinary(b)}
	env.link = links(b, l, []string{env.ifname})[0]
	return env
}
