package client

import (
	"log/slog"
	"os"
	"strconv"
)

// PIDFile is the -pf file: written once the daemon runs, removed when it
// ends (SIGTERM removes it, unlike ISC, SPEC §13). An empty Path (or
// --no-pid) leaves it alone.
type PIDFile struct {
	Path    string
	Log     *slog.Logger // nil: discard
	written bool
}

// Write writes "%d\n" with mode 0644 (reference §8).
func (p *PIDFile) Write() {
	if p.Path == "" {
		return
	}
	if err := os.WriteFile(p.Path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		orDiscard(p.Log).Warn("write pid file", "err", err)
		return
	}
	// -pf /dev/null keeps no pid file: the device is written to, as by
	// ISC, and must never be removed.
	fi, err := os.Stat(p.Path)
	p.written = err == nil && fi.Mode().IsRegular()
}

// Remove removes the file if this process wrote it, and it is a file:
// a daemon that could not start must not remove the file of one that
// runs.
func (p *PIDFile) Remove() {
	if p.written {
		os.Remove(p.Path)
	}
}
