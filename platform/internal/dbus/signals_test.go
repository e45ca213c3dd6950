package dbus

import "testing"

func TestSignalMatchRule(t *testing.T) {
	m := Match{Sender: "org.freedesktop.login1", Path: "/org/freedesktop/login1",
		Interface: "org.freedesktop.login1.Manager", Member: "PrepareForSleep"}
	want := "type='signal',sender='org.freedesktop.login1',path='/org/freedesktop/login1'," +
		"interface='org.freedesktop.login1.Manager',member='PrepareForSleep'"
	if got := m.rule(); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := (Match{Member: "it's"}).rule(), `type='signal',member='it'\''s'`; got != want {
		t.Errorf("apostrophe: got %s, want %s", got, want)
	}
}

func TestSignalMatchIgnoresSender(t *testing.T) {
	m := Match{Sender: "org.freedesktop.login1", Path: "/p", Interface: "i.f", Member: "M"}
	sig := &message{Type: msgSignal, Sender: ":1.9", Path: "/p", Interface: "i.f", Member: "M"}
	if !m.matches(sig) {
		t.Error("signal from a unique name not matched")
	}
	for _, other := range []message{
		{Type: msgMethodCall, Path: "/p", Interface: "i.f", Member: "M"},
		{Type: msgSignal, Path: "/q", Interface: "i.f", Member: "M"},
		{Type: msgSignal, Path: "/p", Interface: "i.g", Member: "M"},
		{Type: msgSignal, Path: "/p", Interface: "i.f", Member: "N"},
	} {
		if m.matches(&other) {
			t.Errorf("matched %+v", other)
		}
	}
}

// TestSignalQueueSharesPerSender checks that a flooding sender fills only
// its own share, and that signals come out in order.
func TestSignalQueueSharesPerSender(t *testing.T) {
	q := newSignalQueue()
	for i := range maxQueuedPerSender + 3 {
		ok := q.push(&message{Sender: ":1.66", Serial: uint32(i + 1)})
		if want := i < maxQueuedPerSender; ok != want {
			t.Fatalf("push %d from the flooder: got %v, want %v", i, ok, want)
		}
	}
	if !q.push(&message{Sender: ":1.5", Serial: 100}) {
		t.Fatal("logind's signal refused while another sender is over its share")
	}
	select {
	case <-q.ready:
	default:
		t.Fatal("no ready token after a push")
	}
	for i := range maxQueuedPerSender {
		if m, ok := q.pop(); !ok || m.Serial != uint32(i+1) {
			t.Fatalf("pop %d: got %+v, %v; want serial %d", i, m, ok, i+1)
		}
	}
	if !q.push(&message{Sender: ":1.66", Serial: 200}) {
		t.Error("flooder refused after its share was taken")
	}
	for _, want := range []uint32{100, 200} {
		if m, ok := q.pop(); !ok || m.Serial != want {
			t.Fatalf("got %+v, %v; want serial %d", m, ok, want)
		}
	}
	if m, ok := q.pop(); ok {
		t.Fatalf("got %+v from an empty queue", m)
	}
}
