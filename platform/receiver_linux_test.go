package platform

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// delivery is one datagram a Receiver handed over.
type delivery struct {
	payload string
	from    netip.AddrPort
}

// collect returns a deliver function that queues what it gets on ch.
func collect(ch chan<- delivery) func([]byte, netip.AddrPort) {
	return func(b []byte, from netip.AddrPort) { ch <- delivery{string(b), from} }
}

// next waits, generously, for the next delivery on ch.
func next(t *testing.T, ch <-chan delivery) delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
		return delivery{}
	}
}

func newReceiver(t *testing.T) *Receiver {
	t.Helper()
	r, err := NewReceiver()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

var (
	serverPort = netip.MustParseAddrPort("10.77.0.1:67")
	clientPort = netip.MustParseAddrPort("255.255.255.255:68")
)

// One Receiver serves the sockets of two links: each datagram goes to
// its own socket's function, and what fails a socket's checks is
// counted on that socket.
func TestReceiverDeliversEachSocketsDatagrams(t *testing.T) {
	rc1, inject1 := rawWithInjector(t, nil)
	rc2, inject2 := rawWithInjector(t, nil)
	r := newReceiver(t)
	got1, got2 := make(chan delivery, 4), make(chan delivery, 4)
	for _, s := range []struct {
		c  *RawConn
		ch chan delivery
	}{{rc1, got1}, {rc2, got2}} {
		stop, err := r.Add(s.c, collect(s.ch))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	bad := Frame(nil, []byte("corrupt"), serverPort, clientPort)
	bad[len(bad)-1] ^= 0xff
	inject1(bad)
	inject1(Frame(nil, []byte("one"), serverPort, clientPort))
	inject2(Frame(nil, []byte("two"), serverPort, clientPort))
	want := delivery{"one", serverPort}
	if d := next(t, got1); d != want {
		t.Errorf("link 1: got %+v, want %+v", d, want)
	}
	want.payload = "two"
	if d := next(t, got2); d != want {
		t.Errorf("link 2: got %+v, want %+v", d, want)
	}
	if rc1.Dropped() != 1 || rc2.Dropped() != 0 {
		t.Errorf("dropped %d and %d, want 1 and 0", rc1.Dropped(), rc2.Dropped())
	}
}

// Once stop has returned, the Receiver no longer reads the socket: a
// datagram sent after it waits there for ReadFrom.
func TestReceiverStop(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	r := newReceiver(t)
	got := make(chan delivery, 4)
	stop, err := r.Add(rc, collect(got))
	if err != nil {
		t.Fatal(err)
	}
	inject(Frame(nil, []byte("before"), serverPort, clientPort))
	if d := next(t, got); d.payload != "before" {
		t.Fatalf("got %q, want before", d.payload)
	}
	stop()
	inject(Frame(nil, []byte("after"), serverPort, clientPort))
	recv(t, rc, "after", serverPort.String())
	select {
	case d := <-got:
		t.Errorf("delivered %q after stop", d.payload)
	default:
	}
	stop() // a second stop does nothing
}

// A socket closed without stop, and a Receiver closed with subscriptions
// open, end without a hang or a delivery.
func TestReceiverClose(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	r, err := NewReceiver()
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan delivery, 4)
	stop, err := r.Add(rc, collect(got))
	if err != nil {
		t.Fatal(err)
	}
	inject(Frame(nil, []byte("one"), serverPort, clientPort))
	next(t, got)
	rc.Close()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	stop()
	if _, err := r.Add(rc, collect(got)); err == nil {
		t.Error("Add on a closed socket and Receiver: no error")
	}
}

// Receiving allocates nothing per frame, delivered or dropped: with a
// thousand interfaces on one Receiver, a flood costs reads, not garbage
// (issue 12). The allowance, half an allocation a frame, is room for
// Add's own (about ten): one a frame would be a hundred.
func TestReceiverDeliversWithoutAllocating(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	r := newReceiver(t)
	bad := Frame(nil, []byte("corrupt"), serverPort, clientPort)
	bad[len(bad)-1] ^= 0xff
	good := Frame(nil, []byte("good"), serverPort, clientPort)
	const frames = 50
	for range frames {
		inject(bad)
		inject(good)
	}
	got := make(chan delivery, frames)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	stop, err := r.Add(rc, func(b []byte, from netip.AddrPort) {
		if string(b) == "good" {
			got <- delivery{from: from}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	timeout := time.NewTimer(10 * time.Second) // one timer: time.After would allocate each time
	defer timeout.Stop()
	for range frames {
		select {
		case <-got:
		case <-timeout.C:
			t.Fatal("not every frame delivered")
		}
	}
	runtime.ReadMemStats(&after)
	if n := after.Mallocs - before.Mallocs; n > frames/2 {
		t.Errorf("%d allocations for %d frames received", n, 2*frames)
	}
	if rc.Dropped() != frames {
		t.Errorf("dropped %d, want %d", rc.Dropped(), frames)
	}
}
