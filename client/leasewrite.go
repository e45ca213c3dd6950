package client

import "time"

// leaseWriteGap is the least time between two writes of the lease file
// caused by lease changes. Each write is fsynced twice (file and
// directory, SPEC §7); a server handing out one-second leases to several
// interfaces would otherwise have the disk synced several times a second
// (issue 12). Changes within the gap are written together when it ends,
// and whatever is still unwritten when the daemon ends is written then
// (FileStore.Flush).
const leaseWriteGap = time.Second

// nextLeaseWrite returns when a change made at now may be written, given
// that the previous write of the file started at last (zero: none yet):
// now when the gap has passed, else the end of the gap. A clock that
// went back (last after now) counts as a passed gap, so a step of the
// wall clock never holds a write back by more than the gap.
func nextLeaseWrite(last, now time.Time, gap time.Duration) time.Time {
	end := last.Add(gap)
	if last.IsZero() || !now.Before(end) || last.After(now) {
		return now
	}
	return end
}
