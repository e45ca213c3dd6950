//go:build unix && !linux

package hooks

import (
	"errors"
	"os"
)

// StartSpawner does nothing here: the spawner is Linux's
// (spawn_linux.go), and hooks fork from the calling thread.
func StartSpawner() error { return errors.ErrUnsupported }

func fork(script string, env []string, out *os.File) (*os.Process, error) {
	return forkHere(script, env, out)
}
