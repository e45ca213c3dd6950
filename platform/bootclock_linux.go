package platform

import (
	"time"

	"golang.org/x/sys/unix"
)

// readClocks reads CLOCK_BOOTTIME and CLOCK_MONOTONIC, boot time first
// so that the clocks' shared growth between the two reads can only make
// the computed skew smaller, never invent suspend time.
func readClocks() (boot, mono time.Duration, ok bool) {
	var b, m unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &b) != nil || unix.ClockGettime(unix.CLOCK_MONOTONIC, &m) != nil {
		return 0, 0, false
	}
	return time.Duration(b.Nano()), time.Duration(m.Nano()), true
}
