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

// idleSlice is one iteration of the idle benchmark: -benchtime=10x
// watches a bound client for 10 s.
const idleSlice = time.Second

// lastingAfter is how long after its start an idle Go daemon is
// measured again: its runtime collects once none has run for 2 minutes
// (forcegcperiod), which its monitor thread, idle, checks once a
// minute, so the collection comes 2 to 3 minutes after the one of
// start-up. That collection's memory stays: the runtime's span sets
// of the other parity, the pages it freed, the code it ran.
const lastingAfter = 3*time.Minute + 10*time.Second

// idleRow is one client's line of the idle table.
type idleRow struct {
	name    string
	status  string // why there are no samples, or ""
	perS    summary[float64]
	total   int64
	threads int
	rss     int64
	// lasting is the RSS once a Go runtime has collected on its own,
	// and lastingSwitches the context switches until then; 0 for the
	// others.
	lasting, lastingSwitches int64
}

// BenchmarkIdle watches bound clients that have nothing to do, a lease
// of 12 hours away from renewal (SPEC §11: no periodic wake-ups of its
// own), one second per iteration, and reports the context switches of
// all their threads and their resident memory.
func BenchmarkIdle(b *testing.B) {
	leased := leasedBinary(b)
	var rows []idleRow
	for _, c := range idleClients() {
		row := idleRow{name: c.name, status: "not run"}
		b.Run(c.name, func(b *testing.B) { row = benchIdle(b, leased, c) })
		rows = append(rows, row)
	}
	fmt.Printf("\nBound and idle (lease 12 h), context switches of all threads per %v\n", idleSlice)
	printIdleTable(os.Stdout, rows)
}

// benchIdle binds client c in a lab of its own and watches it.
func benchIdle(b *testing.B, leased string, c client) idleRow {
	row := idleRow{name: c.name}
	bin, _, err := c.find(leased)
	if errors.Is(err, errNotInstalled) {
		row.status = "not installed"
		b.Skipf("%s: %v", c.name, err)
	}
	p, err := startBound(b, c, bin)
	if err != nil {
		row.status = "FAILED: " + err.Error()
		b.Fatal(err)
	}
	var perS []float64
	for b.Loop() {
		n0, err0 := contextSwitches(p.pid())
		time.Sleep(idleSlice) // the measurement window, not a wait for an event
		n1, err1 := contextSwitches(p.pid())
		if err := errors.Join(err0, err1); err != nil {
			b.Fatalf("%s: %v\n--- %s ---\n%s", c.name, err, p.log, p.logTail())
		}
		perS = append(perS, float64(n1-n0)/idleSlice.Seconds())
		row.total += n1 - n0
	}
	row.perS = summarize(perS)
	tasks, _ := threads(p.pid(), "status")
	row.threads = len(tasks)
	if row.rss, err = rssBytes(p.pid()); err != nil {
		b.Fatal(err)
	}
	if c.collects {
		if row.lasting, row.lastingSwitches, err = lastingRSS(p); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(row.lasting)/1024, "KiB-rss-lasting")
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(row.perS.Median, "wakeups/s")
	b.ReportMetric(float64(row.rss)/1024, "KiB-rss")
	return row
}

// lastingRSS waits until p has run for lastingAfter and gone quiet and
// returns its RSS and the context switches since the call.
func lastingRSS(p *proc) (rss, switches int64, err error) {
	n0, err := contextSwitches(p.pid())
	if err != nil {
		return 0, 0, err
	}
	time.Sleep(time.Until(p.started.Add(lastingAfter))) // a wait for the runtime's own schedule
	if err := settle(p); err != nil {
		return 0, 0, err
	}
	n1, err := contextSwitches(p.pid())
	if err != nil {
		return 0, 0, err
	}
	rss, err = rssBytes(p.pid())
	return rss, n1 - n0, err
}

// startBound starts c in a new lab against dnsmasq with a 12 hour lease
// and returns it once its address is on the link and it has gone quiet.
func startBound(b *testing.B, c client, bin string) (*proc, error) {
	l := newLab(b)
	l.StartDnsmasq(b, lab.ServerOpts{LeaseTime: 12 * time.Hour})
	w, err := watchAddrs(l.ClientNS())
	if err != nil {
		return nil, err
	}
	defer w.close()
	dir := b.TempDir()
	ifname := l.ClientIf()
	argv, err := c.argv(bin, dir, ifname)
	if err != nil {
		return nil, err
	}
	p, err := startIn(l.ClientNS(), filepath.Join(dir, "client.log"), argv...)
	if err != nil {
		return nil, err
	}
	b.Cleanup(func() {
		p.stop()
		if c.cleanup != nil {
			c.cleanup(ifname)
		}
	})
	if _, err := w.wait(links(b, l, []string{ifname}), bindTimeout, p.done); err != nil {
		return nil, fmt.Errorf("%w\n--- %s ---\n%s", err, p.log, p.logTail())
	}
	return p, settle(p)
}

// settle waits until p has not been switched in or out for quietFor
// (its hook has run, its start-up garbage is collected), or settleMax
// has passed: a client that never goes quiet is measured as it is.
// quietFor is longer than the second after which leased, once ready,
// hands back start-up's memory and unmaps its code (client.tidySettle).
func settle(p *proc) error {
	const quietFor, settleMax = 1500 * time.Millisecond, 8 * time.Second
	prev, err := contextSwitches(p.pid())
	for deadline := time.Now().Add(settleMax); time.Now().Before(deadline); {
		time.Sleep(quietFor)
		n, err := contextSwitches(p.pid())
		if err != nil {
			return err
		}
		if n == prev {
			return nil
		}
		prev = n
	}
	return err
}
