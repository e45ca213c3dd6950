//go:build linux

package bench

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// addrEvent is an IPv4 address that appeared on a link, stamped with the
// time its netlink notification reached the benchmark.
type addrEvent struct {
	link int
	addr netip.Addr
	at   time.Time
}

// addrWatch reports the IPv4 addresses added in one namespace. It
// subscribes to RTM_NEWADDR instead of polling, so the time an address
// appears is known to the scheduling latency of one goroutine rather than
// to a polling interval.
type addrWatch struct {
	events chan addrEvent
	errs   chan error
	done   chan struct{}
}

// watchAddrs subscribes to the address updates of namespace ns; close
// stops it.
func watchAddrs(ns string) (*addrWatch, error) {
	nsh, err := netns.GetFromName(ns)
	if err != nil {
		return nil, fmt.Errorf("open namespace %s: %w", ns, err)
	}
	defer nsh.Close()
	w := &addrWatch{
		events: make(chan addrEvent, 4096),
		errs:   make(chan error, 1),
		done:   make(chan struct{}),
	}
	updates := make(chan netlink.AddrUpdate, 4096)
	opts := netlink.AddrSubscribeOptions{
		Namespace:         &nsh,
		ReceiveBufferSize: 4 << 20, // a thousand links bind in a burst
		ErrorCallback: func(err error) {
			select {
			case w.errs <- err:
			default:
			}
		},
	}
	if err := netlink.AddrSubscribeWithOptions(updates, w.done, opts); err != nil {
		return nil, fmt.Errorf("watch addresses in %s: %w", ns, err)
	}
	go w.forward(updates)
	return w, nil
}

// forward stamps each new IPv4 address as it arrives.
func (w *addrWatch) forward(updates <-chan netlink.AddrUpdate) {
	for u := range updates {
		at := time.Now()
		a, ok := netip.AddrFromSlice(u.LinkAddress.IP)
		if !u.NewAddr || !ok || !a.Unmap().Is4() {
			continue
		}
		select {
		case w.events <- addrEvent{link: u.LinkIndex, addr: a.Unmap(), at: at}:
		case <-w.done:
			return
		}
	}
}

// drain discards the events already received.
func (w *addrWatch) drain() {
	for {
		select {
		case <-w.events:
		default:
			return
		}
	}
}

// wait returns the time the first IPv4 address appeared on each link of
// links, giving up after timeout or when exited is closed (the client
// quit without binding).
func (w *addrWatch) wait(links []int, timeout time.Duration, exited <-chan struct{}) (map[int]time.Time, error) {
	want := make(map[int]bool, len(links))
	for _, l := range links {
		want[l] = true
	}
	got := make(map[int]time.Time, len(links))
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	quit := ""
	for len(got) < len(want) {
		select {
		case ev := <-w.events:
			if _, seen := got[ev.link]; want[ev.link] && !seen {
				got[ev.link] = ev.at
			}
		case err := <-w.errs:
			return got, fmt.Errorf("watch addresses: %w", err)
		case <-exited:
			// Its last address may still be on the way.
			exited, quit = nil, " (the client exited)"
			timer.Reset(100 * time.Millisecond)
		case <-timer.C:
			return got, fmt.Errorf("%d of %d links bound after %v%s", len(got), len(want), timeout, quit)
		}
	}
	return got, nil
}

// close ends the subscription.
func (w *addrWatch) close() { close(w.done) }
