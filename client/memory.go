package client

import (
	"os"
	"runtime/debug"
)

// The Go runtime's collector policy of the daemon (issue 14), in two
// phases. At the runtime's default (GOGC=100) a daemon starting a
// thousand interfaces collects every few hundred kilobytes of start-up
// and its goroutines queue behind the mark assists, while a bound daemon
// on one interface, whose live heap is under 2 MiB, lets its heap grow
// to the 4 MiB minimum goal whatever it does: a flood of packets to
// decode took it from 8.5 to 13 MiB. So the daemon starts with few
// collections and, once every interface is ready, keeps its heap within
// a quarter of what is live and hands what start-up used back to the
// kernel.
//
// A memory limit (GOMEMLIMIT) was measured too and not taken: below
// about 8 MiB the runtime's own memory of a one-interface daemon is over
// it and the collector runs without pause (30 % of a core under the
// flood benchmark), and above, it bounds nothing that GOGC does not.
const (
	startGCPercent = 400 // heap goal: five times the live heap
	readyGCPercent = 25  // heap goal: 1.25 times the live heap, at least 1 MiB
)

// tunedGC reports whether the policy applies: GOGC or GOMEMLIMIT in the
// environment win, as the runtime has read them.
func tunedGC() bool { return os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" }

// gcStarting applies the start-up phase.
func gcStarting() {
	if tunedGC() {
		debug.SetGCPercent(startGCPercent)
	}
}

// gcReady applies the steady phase once every interface is ready.
func gcReady() {
	if tunedGC() {
		debug.SetGCPercent(readyGCPercent)
		debug.FreeOSMemory()
	}
}
