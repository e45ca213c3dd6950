package client_test

import (
	"os"
	"testing"
	"time"
)

// control-socket-public opens the socket's read-only verbs to every
// local user (SPEC §8): its mode is 0666, and 0600 without it.
func TestDaemonControlSocketPublic(t *testing.T) {
	for _, tc := range []struct {
		conf string
		mode os.FileMode
	}{{"", 0o600}, {"control-socket-public on;\n", 0o666}} {
		r := newDaemonRig(t, nativeConf+tc.conf, "eth0")
		r.d.PIDPath = r.path("dhclient.pid")
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		// Serve sets the mode as it starts: poll, within a generous limit.
		var mode os.FileMode
		var err error
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && mode != tc.mode; time.Sleep(10 * time.Millisecond) {
			var fi os.FileInfo
			if fi, err = os.Stat(r.path("dhclient.sock")); err == nil {
				mode = fi.Mode().Perm()
			}
		}
		if mode != tc.mode {
			t.Errorf("%q: control socket mode %v (%v), want %v", tc.conf, mode, err, tc.mode)
		}
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
	}
}
