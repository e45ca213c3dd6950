package platform

import (
	"sync"
	"time"
)

// skewNoise is the largest difference put down to the time between the
// two clock reads rather than to a suspend.
const skewNoise = time.Millisecond

// BootClockSkew returns a function that reports how much time the
// system spent suspended since it was last called (the first time:
// since BootClockSkew). Go's timers and monotonic clock stop during
// suspend; CLOCK_BOOTTIME does not, so the growth of the boot clock
// beyond the monotonic clock is the time asleep (ARCHITECTURE "Time
// across suspend"). Differences under a millisecond are reported as 0.
// Outside Linux, or when a clock cannot be read, it reports 0. The
// function is safe for concurrent use.
func BootClockSkew() func() time.Duration { return clockSkew(readClocks) }

// clockSkew implements BootClockSkew over a clock reader.
func clockSkew(read func() (boot, mono time.Duration, ok bool)) func() time.Duration {
	var mu sync.Mutex
	boot, mono, ok := read()
	return func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		b, m, nowOK := read()
		skew := (b - boot) - (m - mono)
		valid := ok && nowOK
		boot, mono, ok = b, m, nowOK
		if !valid || skew < skewNoise {
			return 0
		}
		return skew
	}
}
