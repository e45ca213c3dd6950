//go:build linux

package bench

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// startFloor is what starting a program costs on this machine, measured
// as the bind benchmark measures a client: from just before the fork
// (startIn) to the process's exit.
type startFloor struct {
	c, goNop summary[time.Duration]
}

// benchStartFloor times /bin/true, the least a client written in C
// takes, and a static Go program whose main returns at once
// (testdata/nop, built as bin/dhclient is), the least a client written
// in Go takes: its runtime's start-up alone, no package but the
// runtime's, no packet. Set against a client's bind time, it shows how
// much of that time no code of the client's own can save.
func benchStartFloor(b *testing.B, ns string) startFloor {
	nop := filepath.Join(b.TempDir(), "nop")
	if err := lab.Build(nop, "./testdata/nop"); err != nil {
		b.Fatal(err)
	}
	log := filepath.Join(b.TempDir(), "exit.log")
	var c, goNop []time.Duration
	for b.Loop() {
		c = append(c, timeToExit(b, ns, log, "/bin/true"))
		goNop = append(goNop, timeToExit(b, ns, log, nop))
	}
	f := startFloor{c: summarize(c), goNop: summarize(goNop)}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(f.c.Median), "ms/start-C")
	b.ReportMetric(ms(f.goNop.Median), "ms/start-Go")
	return f
}

// timeToExit starts bin in ns, its output appended to log, as startIn
// starts the clients, and returns the time until it has exited.
func timeToExit(b *testing.B, ns, log, bin string) time.Duration {
	p, err := startIn(ns, log, bin)
	if err != nil {
		b.Fatal(err)
	}
	<-p.done
	d := time.Since(p.started)
	if p.err != nil {
		b.Fatalf("%s: %v", bin, p.err)
	}
	return d
}
