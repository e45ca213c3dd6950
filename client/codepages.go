package client

import (
	"runtime"
	"sync"
	"time"
)

// The daemon's code and read-only data are pages of its executable,
// which the kernel maps 64 KiB around each page touched
// (platform.ReleaseCode): start-up maps nearly all of them, a binding
// those of its work, a collection those of the collector and the
// function tables of every frame on a goroutine's stack. Once the daemon
// is ready, a codeReleaser unmaps them after a collection: after the
// hand-backs of memory.go, and after the collections the runtime starts
// on its own when none ran for two minutes (forcegcperiod), which left
// an idle daemon with 0.7 MiB more. It unmaps a moment after the
// collection (tidySettle), so that a binding's hook and lease write are
// done, and at most once a tidyGap, as the tidier: under a flood of
// packets the collector runs every second or so, and the packets' path
// would be mapped again right after each release. It arms no timer
// between collections.

// codeReleaser calls release a moment after each collection, until stop
// is closed.
type codeReleaser struct {
	release func()
	stop    <-chan struct{}
	settle  time.Duration // from the collection to the release
	gap     time.Duration // from one release to the next

	mu   sync.Mutex
	due  *time.Timer // armed: a release is due
	last time.Time   // of the last release
}

// collectionSentinel is allocated to be found unreachable by the next
// collection. It holds a pointer so that it is never a tiny allocation,
// which shares its block with others and is freed only with all of them.
type collectionSentinel struct{ _ *byte }

// collected schedules a release, unless one is due, and arms the
// sentinel of the next collection; after stop, neither. The release
// comes settle after the collection, and gap after the last one.
func (c *codeReleaser) collected() {
	select {
	case <-c.stop:
		return
	default:
	}
	runtime.AddCleanup(new(collectionSentinel), func(c *codeReleaser) { c.collected() }, c)
	c.schedule()
}

// schedule arms the release, unless one is due.
func (c *codeReleaser) schedule() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.due == nil {
		c.due = time.AfterFunc(spacedDelay(c.settle, c.gap, c.last, time.Now()), c.run)
	}
}

func (c *codeReleaser) run() {
	c.mu.Lock()
	c.due, c.last = nil, time.Now()
	c.mu.Unlock()
	c.release()
}
