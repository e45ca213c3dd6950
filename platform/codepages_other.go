//go:build !linux

package platform

import "fmt"

// ReleaseCode returns an error wrapping ErrUnsupported outside Linux.
func ReleaseCode() (int, error) {
	return 0, fmt.Errorf("release code: %w", ErrUnsupported)
}
