//go:build linux

package client

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leased/leased/client/config"
)

// -pf /dev/null keeps no pid file, and the control socket does not go
// beside the device: the default pid file's socket serves. A private
// device node stands in for /dev/null.
func TestControlPathBesideDevicePIDFile(t *testing.T) {
	dir := t.TempDir()
	null := NullDevice(t, dir)
	written := filepath.Join(dir, "eth0.pid")
	if err := os.WriteFile(written, []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for pid, want := range map[string]string{
		null:                             "/run/dhclient.sock",
		written:                          filepath.Join(dir, "eth0.sock"),
		filepath.Join(dir, "absent.pid"): filepath.Join(dir, "absent.sock"),
	} {
		d := &Daemon{Options: Options{PIDPath: pid}, Config: &config.Config{}}
		if got := d.controlPath(); got != want {
			t.Errorf("pid file %s: control socket %s, want %s", pid, got, want)
		}
	}
}
