package client

import (
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/leased/leased/statemachine"
)

// The Go runtime's collector policy of the daemon (issue 14), in two
// phases. A daemon starts at GOGC=100, or 25 on manyInterfaces or more
// (startGCPercent), and, once every interface is ready, keeps its heap
// within a quarter of what is live and hands what start-up used back to
// the kernel: at the runtime's default, a bound
// daemon on one interface, whose live heap is under 2 MiB, lets its
// heap grow to the 4 MiB minimum goal whatever it does (a flood of
// packets to decode took it from 8.5 to 13 MiB). After that, the memory
// a renewal's work used goes back too, once the binding has settled
// (tidier). After each collection go the pages of the executable that
// were mapped (codepages.go): start-up maps nearly the whole binary, 4.6
// of the 6.0 MiB of a daemon bound on one interface.
//
// The start-up percentage trades memory for the CPU that the server
// and the interfaces' exchanges need while a thousand interfaces bind.
// Collecting rarely leaves what each interface keeps spread over more
// of the heap's pages, which the collector cannot move; collecting often
// takes CPU, and each collection leaves some of the runtime's own memory
// behind (a second one once ready adds 290 KiB). With one daemon and
// dnsmasq binding 1000 interfaces, at 400, 200, 100 and 50: 43.2, 38.1,
// 35.5 and 33.6 MiB of RSS. Before their starts were paced
// (StartPacer), dnsmasq dropped DISCOVERs at 100 in most of ten runs
// (all bound in 27 s, median), at 50 in five runs of five; paced, at
// 100, in none of ten (1.98 s). Against 200, 100 takes each further
// interface from 36 to 29 KiB at 256 interfaces and from 30 to 28 at
// 1000, and from 50 to 54 at 64, where start-up now collects once.
//
// Below 100, start-up collects on few interfaces too, and each
// collection leaves metadata behind; on many, collecting often keeps what
// the interfaces keep on fewer pages. Starting at 25 instead of 100 (three
// runs each, all bound, one DISCOVER an interface, no server drop): one
// interface 3.4 against 3.1 MiB, 16 interfaces 4.2 and 4.3 against 3.9
// MiB; 64 interfaces the same (5.8, 6.0 and 6.1 against 6.0 MiB); 256
// 10.4 against 11.2 MiB, and 1000 26.8 and 26.9 against 30.8 MiB, for
// 2.86 and 3.17 against 2.72 ms of CPU an interface, all bound after
// 1.97 and 1.98 against 1.97 s. Hence 25 from 128 interfaces on.
//
// A memory limit (GOMEMLIMIT) was measured too and not taken: below
// about 8 MiB the runtime's own memory of a one-interface daemon is over
// it and the collector runs without pause (30 % of a core under the
// flood benchmark), and above, it bounds nothing that GOGC does not.
const (
	fewGCPercent   = 100 // heap goal: twice the live heap, at least 4 MiB
	manyGCPercent  = 25  // heap goal: 1.25 times the live heap, at least 1 MiB
	manyInterfaces = 128 // from here on, start-up runs at manyGCPercent
	readyGCPercent = 25  // once ready: heap goal 1.25 times the live heap, at least 1 MiB
)

// startGCPercent is the start-up phase's percentage for a daemon on n
// interfaces.
func startGCPercent(n int) int {
	if n >= manyInterfaces {
		return manyGCPercent
	}
	return fewGCPercent
}

// tunedGC reports whether the policy applies: GOGC or GOMEMLIMIT in the
// environment win, as the runtime has read them.
func tunedGC() bool { return os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" }

// gcStarting applies the start-up phase of a daemon on n interfaces.
func gcStarting(n int) {
	if tunedGC() {
		debug.SetGCPercent(startGCPercent(n))
	}
}

// handBackReady applies the steady phase once every interface is ready
// and hands back what start-up used; it returns the tidier that does
// the same after the bindings that follow, nil when the environment
// sets the collector's policy. From then until stop is closed, the
// code's pages are released after each collection (codeReleaser).
func (d *Daemon) handBackReady(now time.Time, stop <-chan struct{}) *tidier {
	if d.ReleaseCode != nil {
		r := &codeReleaser{release: d.releaseCode, stop: stop, settle: tidySettle, gap: tidyGap}
		r.collected() // start-up's tail, and the collection below
	}
	if !d.TuneGC || !tunedGC() {
		return nil
	}
	debug.SetGCPercent(readyGCPercent)
	debug.FreeOSMemory()
	return &tidier{last: now, free: debug.FreeOSMemory}
}

// releaseCode unmaps the executable's code pages (Daemon.ReleaseCode).
// A release that fails costs memory, nothing else: a debug line.
func (d *Daemon) releaseCode() {
	if _, err := d.ReleaseCode(); err != nil {
		d.log.Debug("release code pages", "err", err)
	}
}

// Between two collections the heap grows to its goal, and the pages the
// collector then frees go back to the kernel only slowly: one interface
// renewed every 2 s went from 6.1 to 7.9 MiB of RSS over 40 renewals.
// A tidier hands them back after each binding (BOUND, after a bind,
// renewal, rebind or reboot), once its hook and lease write are done,
// and at most once a tidyGap: a collection of the whole heap each time,
// which a thousand interfaces renewing would otherwise ask for hundreds
// of times an hour. It arms no timer while nothing binds.
const (
	tidySettle = time.Second
	tidyGap    = time.Minute
)

// tidier schedules the hand-backs.
type tidier struct {
	free func() // debug.FreeOSMemory

	mu   sync.Mutex
	due  *time.Timer // armed: a hand-back is due
	last time.Time   // of the last one
}

// tidyDelay is how long after now the next hand-back runs, the last
// one having run at last.
func tidyDelay(last, now time.Time) time.Duration {
	return spacedDelay(tidySettle, tidyGap, last, now)
}

// spacedDelay is how long after now a task asked for now runs: settle
// after the request, and gap after its last run, at last.
func spacedDelay(settle, gap time.Duration, last, now time.Time) time.Duration {
	return max(settle, last.Add(gap).Sub(now))
}

// observe schedules a hand-back when s is a binding; one already due
// covers it.
func (t *tidier) observe(s Status) {
	if s.State != statemachine.StateBound {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.due == nil {
		t.due = time.AfterFunc(tidyDelay(t.last, time.Now()), t.run)
	}
}

func (t *tidier) run() {
	t.free()
	t.mu.Lock()
	t.due, t.last = nil, time.Now()
	t.mu.Unlock()
}
