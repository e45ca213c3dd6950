//go:build linux

package bench

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestRemoveIfFilesKeepsOtherInterfaces(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"lc0.lease", "lc0-4.pid", "lc0-4.unpriv.sock", "lc01.lease", "lc01-4.pid", "duid"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removeIfFiles("lc0", dir, filepath.Join(dir, "missing"))
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"duid", "lc01-4.pid", "lc01.lease"}; !slices.Equal(left, want) {
		t.Errorf("got %v left, want %v", left, want)
	}
}
