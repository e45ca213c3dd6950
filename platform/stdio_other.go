//go:build !linux

package platform

import "fmt"

// DetachStdio returns an error wrapping ErrUnsupported outside Linux.
func DetachStdio() error {
	return fmt.Errorf("detach stdio: %w", ErrUnsupported)
}
