package platform

import (
	"testing"
	"testing/synctest"
	"time"
)

// pollTimes is when pollUntil calls a look that never returns true,
// from its start, for limit: at once, then after each pause, until the
// first call past the limit.
func pollTimes(limit time.Duration) []time.Duration {
	at := []time.Duration{0}
	for n := 0; at[n] <= limit; n++ {
		at = append(at, at[n]+pollPause(n))
	}
	return at
}

// TestPollPause: the pauses start at half a millisecond and double up
// to pollPauseMax, where they stay however long the wait, so that a
// long wait looks about as often as a fixed pollPauseMax would.
func TestPollPause(t *testing.T) {
	want := []time.Duration{500 * time.Microsecond, time.Millisecond, 2 * time.Millisecond,
		4 * time.Millisecond, 8 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
	for n, w := range want {
		if got := pollPause(n); got != w {
			t.Errorf("pollPause(%d) = %v, want %v", n, got, w)
		}
	}
	for _, n := range []int{40, 63, 64, 1 << 20} {
		if got := pollPause(n); got != pollPauseMax {
			t.Errorf("pollPause(%d) = %v, want %v", n, got, pollPauseMax)
		}
	}
	const limit = 2 * time.Second
	if calls, most := len(pollTimes(limit)), int(limit/pollPauseMax)+len(want); calls > most {
		t.Errorf("%d looks over %v, want at most %d", calls, limit, most)
	}
}

// TestPollUntil, on fake time: the look is called at once and after each
// pause, until it returns true or for the first time past the limit,
// and pollUntil returns right after that call.
func TestPollUntil(t *testing.T) {
	const limit = time.Second
	never := len(pollTimes(limit))
	for _, tc := range []struct {
		name string
		done int // the call that returns true, from 1; 0: none
		want int // calls
	}{
		{"done at once", 1, 1},
		{"done on the fifth look", 5, 5},
		{"done on the last look", never, never},
		{"never done", 0, never},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				var at []time.Duration
				pollUntil(limit, func() bool {
					at = append(at, time.Since(start))
					return len(at) == tc.done || len(at) > 2*never
				})
				if len(at) != tc.want {
					t.Fatalf("%d looks, want %d", len(at), tc.want)
				}
				for i, want := range pollTimes(limit)[:len(at)] {
					if at[i] != want {
						t.Fatalf("look %d at +%v, want +%v", i, at[i], want)
					}
				}
				if returned := time.Since(start); returned != at[len(at)-1] {
					t.Errorf("returned at +%v, want at the last look, +%v", returned, at[len(at)-1])
				}
			})
		})
	}
}
