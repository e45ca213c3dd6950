package client

import (
	"os"
	"runtime/debug"
)

// The Go runtime's collector policy of the daemon (issue 14). A daemon
// starts at the runtime's default (GOGC=100) and, once every interface
// is ready, keeps its heap within a quarter of what is live and hands
// what start-up used back to the kernel: at the default, a bound daemon
// on one interface, whose live heap is under 2 MiB, lets its heap grow
// to the 4 MiB minimum goal whatever it does (a flood of packets to
// decode took it from 8.5 to 13 MiB).
//
// Start-up at GOGC=400 was measured and given up: fewer collections
// while a thousand interfaces bind leave what they keep spread over more
// of the heap's pages, which the collector cannot move. At 400, 200, 100
// and 50, one daemon binding 1000 interfaces ended with 43.2, 38.1, 35.6
// and 33.6 MiB of RSS, and bound them all in 1.61, 1.59, 1.69 and (the
// server dropping DISCOVERs under the collector's CPU) 9.0 s.
//
// A memory limit (GOMEMLIMIT) was measured too and not taken: below
// about 8 MiB the runtime's own memory of a one-interface daemon is over
// it and the collector runs without pause (30 % of a core under the
// flood benchmark), and above, it bounds nothing that GOGC does not.
const readyGCPercent = 25 // heap goal: 1.25 times the live heap, at least 1 MiB

// tunedGC reports whether the policy applies: GOGC or GOMEMLIMIT in the
// environment win, as the runtime has read them.
func tunedGC() bool { return os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" }

// gcReady applies the steady phase once every interface is ready.
func gcReady() {
	if tunedGC() {
		debug.SetGCPercent(readyGCPercent)
		debug.FreeOSMemory()
	}
}
