package platform

import "time"

// pollUntil calls look until it returns true or limit has passed since
// the first call, which is at once; the last call comes after the limit,
// so a change that happens just in time is seen. Between calls it
// pauses pollPause. It reads the clock only through time.Now and
// time.Sleep, so it runs on fake time in a synctest bubble.
//
// platform polls where it waits, once per operation, for a change the
// kernel makes on its own soon after: a link it set up becoming
// operational, an ARP resolution completing. A subscription would carry
// every other link's changes too.
func pollUntil(limit time.Duration, look func() bool) {
	end := time.Now().Add(limit)
	for n := 0; !look() && !time.Now().After(end); n++ {
		time.Sleep(pollPause(n))
	}
}

// pollPause is the pause after the n-th call of look (from 0). What is
// awaited usually happens within about a millisecond (a veth pair or
// virtio link activated, a neighbour on the segment answering ARP) and
// otherwise takes a second or more (a carrier negotiated, an ARP request
// sent again): the pauses start short and double up to pollPauseMax,
// which bounds how late the change is seen.
func pollPause(n int) time.Duration {
	d := pollPauseFirst
	for ; n > 0 && d < pollPauseMax; n-- {
		d *= 2
	}
	return min(d, pollPauseMax)
}

const (
	pollPauseFirst = 500 * time.Microsecond
	pollPauseMax   = 10 * time.Millisecond
)
