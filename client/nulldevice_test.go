//go:build linux

package client

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
)

// NullDevice makes a private device node in dir that stands in for
// /dev/null (char 1:3), for the tests of -pf and -lf naming a device.
func NullDevice(t *testing.T, dir string) string {
	t.Helper()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skip("making a device node needs CAP_MKNOD (the test suite runs as root)")
		}
		t.Fatal(err)
	}
	return null
}
