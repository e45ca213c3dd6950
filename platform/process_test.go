//go:build linux

package platform

import (
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// A running process is alive; one that exited is gone, whether its
// parent has reaped it yet (a zombie) or not.
func TestProcessAlive(t *testing.T) {
	if !ProcessAlive(os.Getpid()) {
		t.Error("this process reads as gone")
	}
	c := exec.Command("true")
	if err := c.Start(); err != nil {
		t.Skipf("no true(1): %v", err)
	}
	// Wait for the exit without reaping: the child stays a zombie.
	var info unix.Siginfo
	if err := unix.Waitid(unix.P_PID, c.Process.Pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != nil {
		t.Fatal(err)
	}
	if ProcessAlive(c.Process.Pid) {
		t.Errorf("zombie %d reads as alive", c.Process.Pid)
	}
	c.Wait()
	if ProcessAlive(c.Process.Pid) {
		t.Errorf("reaped child %d reads as alive", c.Process.Pid)
	}
}
