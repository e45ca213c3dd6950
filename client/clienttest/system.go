package clienttest

import (
	"context"
	"slices"
	"sync"
)

// LinkWatch is a fake client.System.WatchLinks. Each call is one
// subscription, announced on Subs; the test reports carrier states and
// ends the subscription through it.
type LinkWatch struct {
	Subs chan *LinkSub
}

// NewLinkWatch returns a link watch with no subscription yet.
func NewLinkWatch() *LinkWatch { return &LinkWatch{Subs: make(chan *LinkSub)} }

// LinkSub is one subscription of a LinkWatch.
type LinkSub struct {
	reports chan carrier
	fail    chan error
}

type carrier struct {
	name string
	up   bool
}

// Report hands the daemon one carrier state; it returns once the
// daemon's callback has it.
func (s *LinkSub) Report(name string, up bool) { s.reports <- carrier{name, up} }

// Fail ends the subscription with err, as a netlink overrun does.
func (s *LinkSub) Fail(err error) { s.fail <- err }

// Watch implements client.System.WatchLinks: report runs on the caller's
// goroutine, as the real one's does.
func (w *LinkWatch) Watch(ctx context.Context, report func(name string, up bool)) error {
	s := &LinkSub{reports: make(chan carrier), fail: make(chan error)}
	select {
	case w.Subs <- s:
	case <-ctx.Done():
		return nil
	}
	for {
		select {
		case c := <-s.reports:
			report(c.name, c.up)
		case err := <-s.fail:
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// SleepWatch is a fake client.System.WatchSleep: the test announces a
// suspend or a wake-up, which returns once the daemon has handled it (as
// logind's delay lock waits).
type SleepWatch struct {
	Subs chan *SleepSub
}

// NewSleepWatch returns a sleep watch with no subscription yet.
func NewSleepWatch() *SleepWatch { return &SleepWatch{Subs: make(chan *SleepSub)} }

// SleepSub is one subscription of a SleepWatch.
type SleepSub struct {
	announce chan bool
	handled  chan struct{}
	fail     chan error
}

// Announce calls the daemon's onSleep(suspending) and returns when it
// has returned.
func (s *SleepSub) Announce(suspending bool) {
	s.announce <- suspending
	<-s.handled
}

// Fail ends the subscription with err, as a lost bus connection does.
func (s *SleepSub) Fail(err error) { s.fail <- err }

// Watch implements client.System.WatchSleep.
func (w *SleepWatch) Watch(ctx context.Context, onSleep func(suspending bool)) error {
	s := &SleepSub{announce: make(chan bool), handled: make(chan struct{}), fail: make(chan error)}
	select {
	case w.Subs <- s:
	case <-ctx.Done():
		return nil
	}
	for {
		select {
		case suspending := <-s.announce:
			onSleep(suspending)
			s.handled <- struct{}{}
		case err := <-s.fail:
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

// Notes records what a daemon tells the service manager
// (client.System.Notify).
type Notes struct {
	mu    sync.Mutex
	lines []string
}

// Notify implements client.System.Notify.
func (n *Notes) Notify(state string) error {
	n.mu.Lock()
	n.lines = append(n.lines, state)
	n.mu.Unlock()
	return nil
}

// Lines returns the states sent so far, in order.
func (n *Notes) Lines() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.lines)
}
