//go:build linux

package client_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/leased/leased/client"
)

// -pf /dev/null: the device takes the pid and is not removed at the end.
// A private device node stands in for /dev/null.
func TestPIDFileLeavesDeviceAlone(t *testing.T) {
	null := filepath.Join(t.TempDir(), "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil { // char 1:3, /dev/null
		if errors.Is(err, syscall.EPERM) {
			t.Skip("making a device node needs CAP_MKNOD (the test suite runs as root)")
		}
		t.Fatal(err)
	}
	p := &client.PIDFile{Path: null}
	p.Write()
	p.Remove()
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("%s after Write and Remove: %v %v, want the device", null, fi, err)
	}
}
