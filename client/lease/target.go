package lease

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// target is where a save of the lease file at path goes, and whether it
// writes through the path instead of renaming a new file onto it. ISC
// opens the path with fopen(path, "w"): a symbolic link is followed, and
// a character device such as /dev/null (dhclient -lf /dev/null, to keep
// no leases) takes the text. A rename would put a regular file in place
// of either: the link's target would never change, and root's /dev/null
// would become a file of leases. Other kinds of file (a FIFO, which would
// block the write, a directory) are refused.
func target(path string) (string, bool, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, false, nil
	case err != nil:
		return "", false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return linkTarget(path)
	case fi.Mode().IsRegular():
		return path, false, nil
	case fi.Mode()&fs.ModeCharDevice != 0:
		return path, true, nil
	}
	return "", false, fmt.Errorf("%s is not a regular file (%v)", path, fi.Mode().Type())
}

// linkTarget is target for the symbolic link path: its final target, or,
// for a link to a file not yet created, the file it names.
func linkTarget(path string) (string, bool, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		dest, err := os.Readlink(path)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		return dest, false, nil
	}
	if err != nil {
		return "", false, err
	}
	return target(resolved)
}

// writeThrough writes data into the existing file path, as fopen(path,
// "w") does.
func writeThrough(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("save lease file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save lease file: %w", err)
	}
	return nil
}
