package platform

import (
	"context"
	"fmt"
	"syscall"

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

// watchLinks implements WatchLinks on the calling goroutine: emit
// returns false when ctx ended.
func watchLinks(ctx context.Context, emit func(LinkEvent) bool) error {
	r, err := openRTNL(unix.RTMGRP_LINK)
	if err != nil {
		return fmt.Errorf("subscribe to link changes: %w", err)
	}
	defer r.Close()
	// Subscribed first, then the dump: a change during the dump comes as
	// a notification after it, never lost between the two.
	q := newRequest(unix.RTM_GETLINK, unix.NLM_F_DUMP, unix.IfInfomsg{Family: unix.AF_UNSPEC})
	q.u32(unix.IFLA_EXT_MASK, rtextFilterSkipStats)
	if _, err := r.send(q); err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	stop := context.AfterFunc(ctx, r.interrupt)
	defer stop()
	last := make(map[int]LinkEvent)
	for {
		msgs, err := r.receive()
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("link subscription: %w", err)
		}
		for _, m := range msgs {
			ev, ok, err := linkMessage(m)
			if err != nil {
				return fmt.Errorf("link subscription: %w", err)
			}
			if !ok {
				continue
			}
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

// linkMessage decodes a link message of the dump or a notification; ok
// is false for the other messages (the dump's end).
func linkMessage(m syscall.NetlinkMessage) (ev LinkEvent, ok bool, err error) {
	switch m.Header.Type {
	case unix.NLMSG_ERROR:
		return LinkEvent{}, false, errorOf(m)
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
	default:
		return LinkEvent{}, false, nil
	}
	l, err := parseLink(m.Data)
	if err != nil {
		return LinkEvent{}, false, err
	}
	ev = LinkEvent{Name: l.Name, Index: l.Index, Gone: m.Header.Type == unix.RTM_DELLINK}
	if !ev.Gone {
		ev.Up = carrierUp(&l)
	}
	return ev, true, nil
}

// carrierUp reports whether a link can carry traffic: administratively
// up (IFF_UP) and operational, that is operstate up (RFC 2863), or, for
// drivers that leave operstate unknown, lower-layer carrier
// (IFF_LOWER_UP).
func carrierUp(l *linkInfo) bool {
	return l.Flags&unix.IFF_UP != 0 && operational(l)
}
