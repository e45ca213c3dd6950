package client

import (
	"errors"
	"log/slog"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// A release comes settle after a collection, those of the
// collections meanwhile with it, the next one gap after it.
func TestCodeReleaserSpacesReleases(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var released atomic.Int32
		c := &codeReleaser{release: func() { released.Add(1) }, settle: time.Second, gap: time.Minute}
		c.schedule()
		time.Sleep(time.Second / 2)
		c.schedule()
		synctest.Wait()
		if n := released.Load(); n != 0 {
			t.Fatalf("before settle: %d releases, want none", n)
		}
		time.Sleep(time.Second / 2)
		synctest.Wait()
		if n := released.Load(); n != 1 {
			t.Fatalf("two collections, settled: %d releases, want 1", n)
		}
		c.schedule() // right after a release: waits for the gap
		time.Sleep(time.Minute - time.Second)
		synctest.Wait()
		if n := released.Load(); n != 1 {
			t.Fatalf("within the gap: %d releases, want 1", n)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if n := released.Load(); n != 2 {
			t.Fatalf("after the gap: %d releases, want 2", n)
		}
	})
}

// After stop, a collection neither schedules a release nor hears the
// next one.
func TestCodeReleaserStops(t *testing.T) {
	stop := make(chan struct{})
	close(stop)
	c := &codeReleaser{release: func() { t.Error("released after stop") }, stop: stop}
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
