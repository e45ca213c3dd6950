//go:build !unix

package hooks

import (
	"errors"
	"fmt"
	"os"
)

// start executes script with argv [script] and exactly env. Without
// process groups only the script itself can be killed on timeout.
func start(script string, env []string, out *os.File) (*child, error) {
	if env == nil {
		env = []string{}
	}
	p, err := os.StartProcess(script, []string{script}, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{nil, out, out},
	})
	if err != nil {
		return nil, fmt.Errorf("exec hook: %w", err)
	}
	return &child{Process: p}, nil
}

// StartSpawner does nothing here: the spawner is Linux's
// (spawn_linux.go).
func StartSpawner() error { return errors.ErrUnsupported }

// killGroup kills p; there is no gentler signal to send here.
func killGroup(p *child, _ bool) { _ = p.Kill() }

// stackLimit is unknown here; argSpace then assumes Linux's largest.
func stackLimit() uint64 { return 0 }
