package client

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/statemachine"
)

func TestTidyDelay(t *testing.T) {
	now := time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		last time.Time
		want time.Duration
	}{
		{time.Time{}, tidySettle},
		{now, tidyGap},
		{now.Add(-10 * time.Second), 50 * time.Second},
		{now.Add(-tidyGap + time.Second/2), tidySettle},
		{now.Add(-2 * tidyGap), tidySettle},
	} {
		if got := tidyDelay(c.last, now); got != c.want {
			t.Errorf("tidyDelay(now%+v, now) = %v, want %v", c.last.Sub(now), got, c.want)
		}
	}
}

// Bindings in a row are handed back once, a gap after the last
// hand-back; other states arm nothing.
func TestTidierHandsBackOnceBindingsSettle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var freed atomic.Int32
		td := &tidier{last: time.Now(), free: func() { freed.Add(1) }}
		bound := Status{State: statemachine.StateBound}

		td.observe(Status{State: statemachine.StateRenewing})
		time.Sleep(2 * tidyGap)
		synctest.Wait()
		if n := freed.Load(); n != 0 {
			t.Fatalf("RENEWING alone: %d hand-backs, want none", n)
		}

		td.observe(bound) // the last hand-back is long past: settle only
		time.Sleep(tidySettle / 2)
		td.observe(bound)
		synctest.Wait()
		if n := freed.Load(); n != 0 {
			t.Fatalf("%d hand-backs before the binding settled, want none", n)
		}
		time.Sleep(tidySettle)
		synctest.Wait()
		if n := freed.Load(); n != 1 {
			t.Fatalf("%d hand-backs after two bindings, want 1", n)
		}

		td.observe(bound) // right after one: waits for the gap
		time.Sleep(tidyGap - time.Second)
		synctest.Wait()
		if n := freed.Load(); n != 1 {
			t.Fatalf("%d hand-backs within the gap, want 1", n)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if n := freed.Load(); n != 2 {
			t.Fatalf("%d hand-backs after the gap, want 2", n)
		}
	})
}

func TestStartGCPercent(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{1, fewGCPercent},
		{16, fewGCPercent},
		{manyInterfaces - 1, fewGCPercent},
		{manyInterfaces, manyGCPercent},
		{1000, manyGCPercent},
	} {
		if got := startGCPercent(c.n); got != c.want {
			t.Errorf("startGCPercent(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}
