package client

import (
	"errors"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A collection schedules one release; collections while it is due add
// none; after stop, collections schedule nothing.
func TestCodeReleaserReleasesAfterEachCollection(t *testing.T) {
	var released atomic.Int32
	stop := make(chan struct{})
	c := &codeReleaser{release: func() { released.Add(1) }, stop: stop, settle: time.Hour}
	c.collected()
	c.collected()
	c.mu.Lock()
	due := c.due
	c.mu.Unlock()
	if due == nil || !due.Stop() {
		t.Fatal("after two collections: no release due")
	}
	c.run()
	if n := released.Load(); n != 1 {
		t.Fatalf("two collections, one due: %d releases, want 1", n)
	}
	close(stop)
	c.collected()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.due != nil {
		t.Fatal("after stop: a release is due")
	}
}

// The runtime's collections reach the releaser, the next one too: each
// arms the sentinel of the following one.
func TestCodeReleaserHearsCollections(t *testing.T) {
	released := make(chan struct{}, 1)
	stop := make(chan struct{})
	defer close(stop)
	c := &codeReleaser{release: func() { released <- struct{}{} }, stop: stop}
	c.collected() // a release at once (settle 0), and the sentinel
	for i := range 2 {
		deadline := time.Now().Add(30 * time.Second)
		for {
			runtime.GC()
			select {
			case <-released:
			case <-time.After(10 * time.Millisecond):
				if time.Now().After(deadline) {
					t.Fatalf("release %d: none after the collections of 30 s", i+1)
				}
				continue
			}
			break
		}
	}
}

// A daemon that hands back code arms its releaser once ready, whatever
// the collector's policy; a failing release costs a debug line.
func TestHandBackReadyReleasesCode(t *testing.T) {
	released := make(chan struct{}, 1)
	stop := make(chan struct{})
	defer close(stop)
	d := &Daemon{
		ReleaseCode: func() (int, error) {
			released <- struct{}{}
			return 0, errors.New("madvise: EINVAL")
		},
		log: slog.New(slog.DiscardHandler),
	}
	if td := d.handBackReady(time.Now(), stop); td != nil {
		t.Fatal("TuneGC unset: got a tidier")
	}
	select {
	case <-released:
	case <-time.After(30 * time.Second):
		t.Fatal("no release within 30 s of ready")
	}
	if td := (&Daemon{}).handBackReady(time.Now(), stop); td != nil {
		t.Fatal("nothing to hand back: got a tidier")
	}
}
