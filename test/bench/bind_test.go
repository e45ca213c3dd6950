//go:build linux

package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

	cs := clients()
	rows := notRun(cs)
	b.Run("rounds", func(b *testing.B) { rows = benchBindRounds(b, env, cs) })
	var floor summary[time.Duration]
	b.Run("floor", func(b *testing.B) { floor = benchFloor(b) })
	var start startFloor
	b.Run("start", func(b *testing.B) { start = benchStartFloor(b, env.lab.ClientNS()) })
	bin, _ := lookSbin("dnsmasq")
	fmt.Printf("\nBind time: from process start to the IPv4 address on the link, against %s on a veth pair\n",
		firstWords(programVersion(bin, "--version"), 3))
	printBindTable(os.Stdout, rows, rows[0].times.Median)
	fmt.Printf("floor: dnsmasq's two round trips from an open socket, median %.1f ms over %d\n", ms(floor.Median), floor.N)
	fmt.Printf("start: from process start to exit, /bin/true %.1f ms, a Go program that does nothing %.1f ms (medians over %d)\n",
		ms(start.c.Median), ms(start.goNop.Median), start.c.N)
}

// notRun is the table's rows for cs before any bind.
func notRun(cs []client) []bindRow {
	rows := make([]bindRow, len(cs))
	for i, c := range cs {
		rows[i] = bindRow{name: c.name, status: "not run"}
	}
	return rows
}

// benchBindRounds binds every client of cs once a round, in turn, N
// rounds, and returns their rows in the order of cs, leased's first.
// Taking turns puts every client through the same spells of a shared
// machine: run one client's N binds after the other's, the first took
// the whole of the busy spell that follows the build (leased's median
// 6.9 ms in one make bench, 5.4 to 5.8 ms in three runs minutes later).
func benchBindRounds(b *testing.B, env *bindLab, cs []client) []bindRow {
	rows := make([]bindRow, len(cs))
	bins := make([]string, len(cs))
	for i, c := range cs {
		rows[i], bins[i] = findClient(b, env, c)
	}
	samples := make([][]time.Duration, len(cs))
	for b.Loop() {
		for i, c := range cs {
			if rows[i].status != "" {
				continue
			}
			d, err := bindOnce(b, env, c, bins[i])
			if err != nil {
				rows[i].status = "FAILED: " + err.Error()
				b.Errorf("%s: %v", c.name, err)
				continue
			}
			samples[i] = append(samples[i], d)
		}
	}
	b.ReportMetric(0, "ns/op")
	for i := range rows {
		if len(samples[i]) > 0 {
			rows[i].times = summarize(samples[i])
			b.ReportMetric(ms(rows[i].times.Median), "ms/bind-"+strings.ReplaceAll(rows[i].name, " ", "_"))
		}
	}
	return rows
}

// findClient returns c's row, its status set when c is missing or
// broken, and its program.
func findClient(b *testing.B, env *bindLab, c client) (bindRow, string) {
	bin, version, err := c.find(env.leased)
	row := bindRow{name: c.name, version: version}
	switch {
	case errors.Is(err, errNotInstalled):
		row.status = "not installed"
		b.Logf("%s: %v", c.name, err)
	case err != nil:
		row.status = "FAILED: " + err.Error()
		b.Errorf("%s: %v", c.name, err)
	}
	return row, bin
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
	if err := setUp(env.lab, env.ifname, !c.down); err != nil {
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
