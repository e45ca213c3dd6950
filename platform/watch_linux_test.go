package platform

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// nextEvent waits for an event satisfying ok, failing after 5 s.
func nextEvent(t *testing.T, ch <-chan LinkEvent, what string, ok func(LinkEvent) bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ok(ev) {
				return
			}
		case <-timeout:
			t.Fatalf("no link event: %s", what)
		}
	}
}

// startWatch runs WatchLinks in ns until the test ends, when it must
// return nil.
func startWatch(t *testing.T, ns *testNS) <-chan LinkEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	ch := make(chan LinkEvent, 16)
	done := ns.goDo(func() error { return WatchLinks(ctx, ch) })
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchLinks: %v", err)
		}
	})
	return ch
}

func TestWatchLinks(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ch := startWatch(t, ns)

	if ev := <-ch; ev.Name != "lo" || ev.Up || ev.Gone {
		t.Fatalf("first event: got %+v, want the existing lo, down", ev)
	}
	a, b := linkNames(t)
	if err := h.LinkAdd(vethLink(a, b)); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ch, a+" appears down", func(ev LinkEvent) bool { return ev.Name == a && !ev.Up && !ev.Gone })
	setUp(t, h, a)
	setUp(t, h, b) // a veth has carrier once both ends are up
	nextEvent(t, ch, a+" up", func(ev LinkEvent) bool { return ev.Name == a && ev.Up })
	if err := h.LinkDel(linkByName(t, h, a)); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ch, a+" gone", func(ev LinkEvent) bool { return ev.Name == a && ev.Gone })
}

// Repeated notifications for an unchanged state are not passed on.
func TestWatchLinksSuppressesRepeats(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, b := linkNames(t)
	if err := h.LinkAdd(vethLink(a, b)); err != nil {
		t.Fatal(err)
	}
	ch := startWatch(t, ns)
	nextEvent(t, ch, a+" listed", func(ev LinkEvent) bool { return ev.Name == a })
	// Changing the MTU makes the kernel announce the link again, with
	// nothing a LinkEvent carries changed.
	for mtu := 1400; mtu < 1405; mtu++ {
		if err := h.LinkSetMTU(linkByName(t, h, a), mtu); err != nil {
			t.Fatal(err)
		}
	}
	// A new link as a marker: notifications arrive in order, so every
	// one for a has been handled once the marker's event is seen.
	c, d := a[:len(a)-1]+"c", a[:len(a)-1]+"d"
	if err := h.LinkAdd(vethLink(c, d)); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, ch, c+" appears", func(ev LinkEvent) bool {
		if ev.Name == a {
			t.Errorf("repeated event for unchanged %s: %+v", a, ev)
		}
		return ev.Name == c
	})
}

// WatchCarrier reports, on the calling goroutine, each interface's name
// and whether it can carry traffic; a removed one cannot.
func TestWatchCarrier(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, b := linkNames(t)
	if err := h.LinkAdd(vethLink(a, b)); err != nil {
		t.Fatal(err)
	}
	setUp(t, h, a)
	setUp(t, h, b)
	ctx, cancel := context.WithCancel(t.Context())
	type report struct {
		name string
		up   bool
	}
	ch := make(chan report)
	done := ns.goDo(func() error {
		return WatchCarrier(ctx, func(name string, up bool) {
			select {
			case ch <- report{name, up}:
			case <-ctx.Done():
			}
		})
	})
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchCarrier: %v", err)
		}
	}()
	next := func(want report) {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case r := <-ch:
				if r == want {
					return
				}
			case <-timeout:
				t.Fatalf("no report %+v", want)
			}
		}
	}
	next(report{a, true})
	if err := h.LinkDel(linkByName(t, h, a)); err != nil {
		t.Fatal(err)
	}
	next(report{a, false})
}

// The existing interfaces come in several datagrams of the dump (a link
// message is about a kilobyte, a datagram at most a page): every one is
// listed.
func TestWatchLinksListsManyLinks(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, _ := linkNames(t)
	want := map[string]bool{"lo": true}
	for i := range 10 {
		x, y := fmt.Sprintf("%s%dx", a, i), fmt.Sprintf("%s%dy", a, i)
		if err := h.LinkAdd(vethLink(x, y)); err != nil {
			t.Fatal(err)
		}
		want[x], want[y] = true, true
	}
	ch := startWatch(t, ns)
	for len(want) > 0 {
		nextEvent(t, ch, fmt.Sprintf("%d links still unlisted", len(want)), func(ev LinkEvent) bool {
			delete(want, ev.Name)
			return true
		})
	}
}

// The watch's record of each link turns states into events: the first
// and every change reported, nothing for a repeat, and a down before the
// up when the carrier came up again unseen.
func TestLinkStatesUpdate(t *testing.T) {
	up := func(ups uint32) linkState {
		return linkState{ev: LinkEvent{Name: "eth0", Index: 2, Up: true}, ups: ups}
	}
	down := func(ups uint32) linkState { return linkState{ev: LinkEvent{Name: "eth0", Index: 2}, ups: ups} }
	gone := linkState{ev: LinkEvent{Name: "eth0", Index: 2, Gone: true}}
	evUp, evDown := up(0).ev, down(0).ev
	steps := []struct {
		name string
		st   linkState
		want []LinkEvent
	}{
		{"first seen", up(3), []LinkEvent{evUp}},
		{"a repeat", up(3), nil},
		{"carrier lost", down(3), []LinkEvent{evDown}},
		{"carrier back", up(4), []LinkEvent{evUp}},
		{"a flap unseen", up(5), []LinkEvent{evDown, evUp}},
		{"down, a flap unseen while down", down(6), []LinkEvent{evDown}},
		{"a kernel without counts", up(0), []LinkEvent{evUp}},
		{"gone", gone, []LinkEvent{gone.ev}},
		{"back again", down(0), []LinkEvent{evDown}},
	}
	s := make(linkStates)
	for _, step := range steps {
		if got := s.update(step.st); !slices.Equal(got, step.want) {
			t.Errorf("%s: got %+v, want %+v", step.name, got, step.want)
		}
	}
}

// A watch whose socket overruns lists the links again and goes on, and a
// link whose carrier went and came back in the notifications lost is
// reported down, then up: its lease must be confirmed (RFC 2131 §3.7).
func TestWatchLinksOverrunKeepsFlaps(t *testing.T) {
	defer func(size int) { subscriptionBuffer = size }(subscriptionBuffer)
	subscriptionBuffer = 1 // the kernel's minimum, a few kilobytes
	ns := newNS(t)
	h := ns.handle(t)
	a, _ := linkNames(t)
	var near, far []string
	for i := range 16 {
		x, y := fmt.Sprintf("%s%dx", a, i), fmt.Sprintf("%s%dy", a, i)
		if err := h.LinkAdd(vethLink(x, y)); err != nil {
			t.Fatal(err)
		}
		setUp(t, h, x)
		setUp(t, h, y)
		near, far = append(near, x), append(far, y)
	}
	ch := make(chan LinkEvent) // unbuffered: the watch stops reading while the test does
	ctx, cancel := context.WithCancel(t.Context())
	done := ns.goDo(func() error { return WatchLinks(ctx, ch) })
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("WatchLinks: %v", err)
		}
	}()
	listed := map[string]bool{}
	for len(listed) < len(near) {
		nextEvent(t, ch, "the links listed up", func(ev LinkEvent) bool {
			if ev.Up && slices.Contains(near, ev.Name) {
				listed[ev.Name] = true
			}
			return true
		})
	}
	// The first flap's event holds the watch in its send; the others'
	// notifications overrun its socket meanwhile.
	for _, y := range far {
		if err := h.LinkSetDown(linkByName(t, h, y)); err != nil {
			t.Fatal(err)
		}
		setUp(t, h, y)
	}
	wentDown, cameBack := map[string]bool{}, map[string]bool{}
	for len(cameBack) < len(near) {
		nextEvent(t, ch, fmt.Sprintf("%d links still not down and up again", len(near)-len(cameBack)), func(ev LinkEvent) bool {
			switch {
			case !slices.Contains(near, ev.Name):
			case !ev.Up:
				wentDown[ev.Name] = true
			case wentDown[ev.Name]:
				cameBack[ev.Name] = true
			}
			return true
		})
	}
}
