//go:build linux

package lease

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// saveText saves the golden renewal through st and returns the text it
// is.
func saveText(t *testing.T, st *Store) string {
	t.Helper()
	f := parseFile(t, "1a-after-bound-and-renew.leases")
	data, err := st.Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(f); err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A lease file reached through a symbolic link is saved where the link
// points, and the link stays, as ISC's fopen(path, "w") has it; a link
// to a file not yet there creates that file.
func TestStoreSaveFollowsSymlink(t *testing.T) {
	for _, exists := range []bool{true, false} {
		dir := t.TempDir()
		file := filepath.Join(dir, "real.leases")
		if exists {
			if err := os.WriteFile(file, []byte("# old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		link := filepath.Join(dir, "dhclient.leases")
		if err := os.Symlink("real.leases", link); err != nil {
			t.Fatal(err)
		}
		want := saveText(t, &Store{Path: link, Catalogue: testCatalogue(t)})
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("exists=%t: %s is no longer a symbolic link (%v)", exists, link, err)
		}
		if got, err := os.ReadFile(file); err != nil || string(got) != want {
			t.Errorf("exists=%t: the link's target holds %q (%v), want the leases", exists, got, err)
		}
	}
}

// dhclient -lf /dev/null keeps no leases: the device takes the text and
// stays a device. A private device node stands in for /dev/null.
func TestStoreSaveWritesThroughDevice(t *testing.T) {
	dir := t.TempDir()
	null := filepath.Join(dir, "null")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil { // char 1:3, /dev/null
		if errors.Is(err, syscall.EPERM) {
			t.Skip("making a device node needs CAP_MKNOD (the test suite runs as root)")
		}
		t.Fatal(err)
	}
	saveText(t, &Store{Path: null, Catalogue: testCatalogue(t)})
	fi, err := os.Lstat(null)
	if err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s after the save: %v %v, want the device", null, fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the device", len(ents))
	}
}

// A FIFO would block the write: the save fails and leaves it as it is.
func TestStoreSaveRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "dhclient.leases")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	err := (&Store{Path: fifo}).Save(&File{})
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("save to a FIFO: %v, want not a regular file", err)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
}
