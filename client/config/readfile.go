package config

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// errTooLarge is wrapped by the error for a file over MaxFileSize.
var errTooLarge = errors.New("file too large")

// readFile reads the file name, at most MaxFileSize bytes, and returns
// its identity for cycle detection (fileKey). With regularOnly, as for
// included files, anything but a regular file is an error, so that an
// include of a device or a FIFO cannot hang the parse; the main file may
// be /dev/null, which ISC users pass to -cf.
func readFile(name string, regularOnly bool) ([]byte, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, "", err
	}
	if regularOnly && !fi.Mode().IsRegular() {
		return nil, "", fmt.Errorf("%s: not a regular file", name)
	}
	if fi.Mode().IsRegular() && fi.Size() > MaxFileSize {
		return nil, "", fmt.Errorf("%s is larger than %d MiB: %w", name, MaxFileSize>>20, errTooLarge)
	}
	b, err := readLimited(f, name)
	return b, fileKey(name, fi), err
}

// readLimited reads r to its end, or fails once it passes MaxFileSize.
func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB: %w", name, MaxFileSize>>20, errTooLarge)
	}
	return b, nil
}
