//go:build unix

package config

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
)

// fileKey identifies a file by device and inode, so that an include
// cycle is found whatever path, symbolic or hard link names the file.
func fileKey(name string, fi fs.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("dev %d ino %d", st.Dev, st.Ino)
	}
	abs, _ := filepath.Abs(name)
	return abs
}
