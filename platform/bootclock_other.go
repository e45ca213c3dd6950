//go:build !linux

package platform

import "time"

// readClocks has no boot clock to read outside Linux.
func readClocks() (boot, mono time.Duration, ok bool) { return 0, 0, false }
