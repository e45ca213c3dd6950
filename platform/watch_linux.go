package platform

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// WatchLinks sends on ch the state of every interface and then each
// change of it, from a netlink subscription (no polling, SPEC §4). The
// existing interfaces come first. Only changes of Up, the name or
// removal are sent; the kernel's many other link notifications are not.
// Notifications lost to a full socket buffer are made up by listing the
// links again, a carrier that went and came back meanwhile sent as a
// change down and one up (linkDump). It runs until ctx is done,
// returning nil, or until the subscription fails, returning the error;
// calling it again starts over with the full list. It subscribes in the
// calling thread's network namespace.
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
	d := linkDump{r: r, q: q}
	if err := d.start(); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, r.interrupt)
	defer stop()
	states := make(linkStates)
	for {
		msgs, err := r.receive()
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, unix.ENOBUFS) {
			d.lost = true
		} else if err != nil {
			return fmt.Errorf("link subscription: %w", err)
		}
		for _, m := range msgs {
			if d.ended(m) {
				continue
			}
			st, ok, err := linkMessage(m)
			if err != nil {
				return fmt.Errorf("link subscription: %w", err)
			}
			if !ok {
				continue
			}
			for _, ev := range states.update(st) {
				if !emit(ev) {
					return nil
				}
			}
		}
		if err := d.resync(); err != nil {
			return err
		}
	}
}

// linkDump lists the links, first when the watch starts and again
// whenever the socket lost notifications: its buffer overran (ENOBUFS),
// and the kernel goes on dropping, silently, until the socket's queue is
// empty (netlink_overrun). A list that began after the losses shows
// every link's present state; the carrier counts show the flaps that
// ended meanwhile (linkStates).
type linkDump struct {
	r       *rtnl
	q       *nlRequest
	seq     uint32 // of the list in progress; 0 when none is
	dropped uint32 // the socket's drops when the last list began
	lost    bool   // ENOBUFS since the last list began
}

// start asks for the list.
func (d *linkDump) start() error {
	// Without a drop count (a kernel before 4.12), ENOBUFS alone tells.
	dropped, _ := d.r.drops()
	seq, err := d.r.send(d.q)
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	d.seq, d.dropped, d.lost = seq, dropped, false
	return nil
}

// ended reports whether m ends the list in progress.
func (d *linkDump) ended(m syscall.NetlinkMessage) bool {
	if d.seq == 0 || m.Header.Seq != d.seq || m.Header.Type != unix.NLMSG_DONE {
		return false
	}
	d.seq = 0
	return true
}

// resync lists the links again when the socket dropped notifications
// since the last list began, once that list has ended.
func (d *linkDump) resync() error {
	if d.seq != 0 {
		return nil
	}
	if dropped, _ := d.r.drops(); dropped == d.dropped && !d.lost {
		return nil
	}
	return d.start()
}

// linkState is what the watch knows of a link: what it reports, and the
// kernel's count of carrier ups.
type linkState struct {
	ev  LinkEvent
	ups uint32
}

// linkStates holds the last state of each link seen, by index.
type linkStates map[int]linkState

// update records st and returns the events it makes: none when nothing
// reported changed, and a down before the up when the carrier came up
// again since the last state: the notifications of that flap were lost
// in an overrun, and the dump that follows shows only its end.
func (s linkStates) update(st linkState) []LinkEvent {
	prev, seen := s[st.ev.Index]
	if st.ev.Gone {
		delete(s, st.ev.Index)
	} else {
		s[st.ev.Index] = st
	}
	switch {
	case !seen || prev.ev != st.ev:
		return []LinkEvent{st.ev}
	case st.ev.Up && st.ups != prev.ups:
		down := st.ev
		down.Up = false
		return []LinkEvent{down, st.ev}
	}
	return nil
}

// linkMessage decodes a link message of the dump or a notification; ok
// is false for the other messages (the dump's end).
func linkMessage(m syscall.NetlinkMessage) (st linkState, ok bool, err error) {
	switch m.Header.Type {
	case unix.NLMSG_ERROR:
		return linkState{}, false, errorOf(m)
	case unix.RTM_NEWLINK, unix.RTM_DELLINK:
	default:
		return linkState{}, false, nil
	}
	l, err := parseLink(m.Data)
	if err != nil {
		return linkState{}, false, err
	}
	st = linkState{ev: LinkEvent{Name: l.Name, Index: l.Index, Gone: m.Header.Type == unix.RTM_DELLINK}, ups: l.CarrierUps}
	if !st.ev.Gone {
		st.ev.Up = carrierUp(&l)
	}
	return st, true, nil
}

// carrierUp reports whether a link can carry traffic: administratively
// up (IFF_UP) and operational, that is operstate up (RFC 2863), or, for
// drivers that leave operstate unknown, lower-layer carrier
// (IFF_LOWER_UP).
func carrierUp(l *linkInfo) bool {
	return l.Flags&unix.IFF_UP != 0 && operational(l)
}
