package platform

import (
	"context"
	"fmt"
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
