package lease

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Store is a lease database on disk.
type Store struct {
	Path string
	// Catalogue names and formats options when saving; nil means
	// dhcp4.NewCatalogue().
	Catalogue *dhcp4.Catalogue
	// Format is the db-time-format and lease-id-format for saving.
	Format Format
}

// Load reads the file with option names and types from cat (nil means
// dhcp4.NewCatalogue()). A missing file is an empty database, as for ISC.
// Like Parse it never fails as a whole: the File is always usable and the
// errors say what was skipped, or why the file could not be read.
func (s *Store) Load(cat *dhcp4.Catalogue) (*File, []error) {
	if cat == nil {
		cat = dhcp4.NewCatalogue()
	}
	fh, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return &File{}, []error{fmt.Errorf("open lease file: %w", err)}
	}
	defer fh.Close()
	// A size known up front spares reading a file that is refused anyway.
	if fi, err := fh.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxFileSize {
		return &File{}, []error{tooLarge(s.Path)}
	}
	return Parse(fh, s.Path, cat)
}

// Save replaces the file with f atomically: Encode, then Replace.
func (s *Store) Save(f *File) error {
	data, err := s.Encode(f)
	if err != nil {
		return err
	}
	return s.Replace(data)
}

// Encode is the text of f as Save writes it.
func (s *Store) Encode(f *File) ([]byte, error) {
	cat := s.Catalogue
	if cat == nil {
		cat = dhcp4.NewCatalogue()
	}
	var buf bytes.Buffer
	if err := Write(&buf, f, cat, s.Format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Replace puts data in place of the file atomically (SPEC §7): the text
// goes to a temporary file in the same directory, which is synced, given
// mode 0644 and renamed over the old file, and the directory is synced so
// that the rename survives a crash. Readers see the old or the new file,
// never a mix, whenever the process is killed. A path that is not a
// regular file is handled as ISC's fopen(path, "w") handles it (target).
func (s *Store) Replace(data []byte) error {
	path, through, err := target(s.Path)
	if err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if through {
		return writeThrough(path, data)
	}
	return writeAtomic(path, data)
}

// tempPattern names the temporary file of a save. It holds neither
// "dhclient" nor the file's own name: cloud-init finds the newest lease
// file by an unanchored match of names such as "dhclient\.\w+\.leases"
// (cloudinit/net/dhcp.py get_newest_lease_file_from_distro), and took
// ".dhclient.eth0.leases.tmp123", there for the moment of a write, for
// the lease file itself.
const tempPattern = ".leased-save-*"

// writeAtomic replaces path with data through a synced temporary file.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync lease directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync lease directory: %w", err)
	}
	return nil
}
