package lab

import (
	"fmt"
	"os"
	"os/exec"
)

// Build compiles the Go package pkg (an import path, or a directory
// relative to the caller's) to the executable out as make build does:
// without cgo, so that the tests run the static binary users install
// (Makefile, build) and not one linked against libc.
func Build(out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, msg)
	}
	return nil
}
