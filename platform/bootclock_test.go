package platform

import (
	"net"
	"path/filepath"
	"testing"
	"time"
)

// fakeClocks is a clock reader whose clocks the test advances.
type fakeClocks struct {
	boot, mono time.Duration
	ok         bool
}

func (f *fakeClocks) read() (time.Duration, time.Duration, bool) { return f.boot, f.mono, f.ok }

func (f *fakeClocks) run(d, asleep time.Duration) {
	f.mono += d
	f.boot += d + asleep
}

func TestClockSkew(t *testing.T) {
	f := &fakeClocks{boot: 100 * time.Second, mono: 90 * time.Second, ok: true}
	skew := clockSkew(f.read)
	steps := []struct {
		name      string
		d, asleep time.Duration
		ok        bool
		want      time.Duration
	}{
		{"awake", 5 * time.Second, 0, true, 0},
		{"slept 6s", 4 * time.Second, 6 * time.Second, true, 6 * time.Second},
		{"counted once", time.Second, 0, true, 0},
		{"read jitter is noise", time.Second, 300 * time.Microsecond, true, 0},
		{"clock unreadable", time.Second, time.Hour, false, 0},
		{"first read after failure only sets the base", time.Second, time.Hour, true, 0},
		{"then works again", time.Second, time.Minute, true, time.Minute},
	}
	for _, s := range steps {
		f.run(s.d, s.asleep)
		f.ok = s.ok
		if got := skew(); got != s.want {
			t.Errorf("%s: got %v, want %v", s.name, got, s.want)
		}
	}
}

// On a machine that does not sleep during the test, the real clocks
// show no skew.
func TestBootClockSkewAwake(t *testing.T) {
	skew := BootClockSkew()
	for range 3 {
		if got := skew(); got != 0 {
			t.Errorf("got %v while awake, want 0", got)
		}
	}
}

func TestNotifySendsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notify")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Skipf("no unix datagram sockets here: %v", err)
	}
	defer c.Close()
	t.Setenv("NOTIFY_SOCKET", path)
	if err := Notify("STATUS=eth0: bound"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 100)
	n, err := c.Read(b)
	if err != nil || string(b[:n]) != "STATUS=eth0: bound" {
		t.Errorf("got %q, %v; want the state as sent", b[:n], err)
	}
}

func TestNotifyOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := Notify("READY=1"); err != nil {
		t.Errorf("got %v, want a silent no-op without $NOTIFY_SOCKET", err)
	}
}
