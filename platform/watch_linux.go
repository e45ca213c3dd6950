package platform

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// WatchLinks sends on ch the state of every interface and then each
// change of it, from a netlink subscription (no polling, SPEC §4). The
// existing interfaces come first. Only changes of Up, the name or
// removal are sent; the kernel's many other link notifications are not.
// It runs until ctx is done, returning nil, or until the subscription
// fails (such as a receive buffer overrun), returning the error; calling
// it again starts over with the full list. It subscribes in the calling
// thread's network namespace.
func WatchLinks(ctx context.Context, ch chan<- LinkEvent) error {
	return watchLinks(ctx, func(ev LinkEvent) bool {
		select {
		case ch <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	})
}

// WatchCarrier is WatchLinks calling report, on the calling goroutine,
// with each interface's name and whether it can carry traffic (Up, and
// not removed).
func WatchCarrier(ctx context.Context, report func(name string, up bool)) error {
	return watchLinks(ctx, func(ev LinkEvent) bool {
		report(ev.Name, ev.Up && !ev.Gone)
		return true
	})
}

// watchLinks implements WatchLinks: emit returns false when ctx ended.
func watchLinks(ctx context.Context, emit func(LinkEvent) bool) error {
	updates, done := make(chan netlink.LinkUpdate, 64), make(chan struct{})
	// The callback runs on the subscription's goroutine, which closes
	// updates after its last call: reading subErr after seeing the close
	// is ordered after every write.
	var subErr error
	err := netlink.LinkSubscribeWithOptions(updates, done, netlink.LinkSubscribeOptions{
		ListExisting:  true,
		ErrorCallback: func(err error) { subErr = err },
	})
	if err != nil {
		return fmt.Errorf("subscribe to link changes: %w", err)
	}
	defer func() {
		close(done)
		for range updates { // let the subscription goroutine finish
		}
	}()
	last := make(map[int]LinkEvent)
	for {
		select {
		case <-ctx.Done():
			return nil
		case u, ok := <-updates:
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("link subscription: %w", errors.Join(subErr, errSubscriptionClosed))
			}
			ev := linkEvent(u)
			if prev, seen := last[ev.Index]; seen && prev == ev {
				continue
			}
			if ev.Gone {
				delete(last, ev.Index)
			} else {
				last[ev.Index] = ev
			}
			if !emit(ev) {
				return nil
			}
		}
	}
}

var errSubscriptionClosed = errors.New("closed")

func linkEvent(u netlink.LinkUpdate) LinkEvent {
	a := u.Link.Attrs()
	ev := LinkEvent{Name: a.Name, Index: a.Index, Gone: u.Header.Type == unix.RTM_DELLINK}
	if !ev.Gone {
		ev.Up = carrierUp(a)
	}
	return ev
}

// carrierUp reports whether a link can carry traffic: operstate up
// (RFC 2863), or, for drivers that leave operstate unknown, the interface
// up with lower-layer carrier (IFF_LOWER_UP).
func carrierUp(a *netlink.LinkAttrs) bool {
	if a.Flags&net.FlagUp == 0 {
		return false
	}
	switch a.OperState {
	case netlink.OperUp:
		return true
	case netlink.OperUnknown:
		return a.RawFlags&unix.IFF_LOWER_UP != 0
	}
	return false
}
