//go:build linux

package client_test

import (
	"os"
	"testing"

	"github.com/leased/leased/client"
)

// -pf /dev/null: the device takes the pid and is not removed at the end.
// A private device node stands in for /dev/null.
func TestPIDFileLeavesDeviceAlone(t *testing.T) {
	null := client.NullDevice(t, t.TempDir())
	p := &client.PIDFile{Path: null}
	p.Write()
	p.Remove()
	if fi, err := os.Lstat(null); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("%s after Write and Remove: %v %v, want the device", null, fi, err)
	}
}
