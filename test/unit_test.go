//go:build linux

package e2e

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leased/leased/test/lab"
)

// verifySkipped is the exit status by which contrib/systemd/verify.sh
// says systemd-analyze is not installed (the automake convention).
const verifySkipped = 77

// TestUnitFileVerifies runs contrib/systemd/verify.sh, which checks
// dhclient@.service with `systemd-analyze verify` (issue 7, SPEC §9)
// against the binary built for these tests; any rejection or warning
// makes it exit non-zero.
func TestUnitFileVerifies(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sh", filepath.Join(contribDir, "systemd", "verify.sh"), dhclientBin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() == verifySkipped:
		lab.Unavailable(t, "systemd-analyze not installed (Debian package systemd): %s", out.String())
	case err != nil:
		t.Fatalf("verify.sh %s: %v\n%s", dhclientBin, err, out.String())
	}
	t.Logf("%s", out.String())
}
