//go:build !linux

package hooks

import "os"

// Without pidfds a hook's exit is awaited in a blocking wait.

func watchExit(*os.Process) *os.File { return nil }

func awaitExit(*os.File) {}
