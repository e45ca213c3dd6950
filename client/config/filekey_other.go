//go:build !unix

package config

import (
	"io/fs"
	"path/filepath"
)

// fileKey identifies a file by its absolute path, where inodes are not
// at hand.
func fileKey(name string, _ fs.FileInfo) string {
	abs, err := filepath.Abs(name)
	if err != nil {
		return name
	}
	return abs
}
