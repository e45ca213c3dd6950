//go:build linux

package client

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/leased/leased/client/config"
)

// -pf /dev/null keeps no pid file, and the control socket does not go
// beside the device: the default pid file's socket serves. A private
// device node stands in for /dev/null.
func TestControlPathBesideDevicePIDFile(t *testing.T) {
	dir := t.TempDir()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil { // char 1:3, /dev/null
		if errors.Is(err, syscall.EPERM) {
			t.Skip("making a device node needs CAP_MKNOD (the test suite runs as root)")
		}
		t.Fatal(err)
	}
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
