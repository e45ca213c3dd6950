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

// The parent of the daemon rule returns the status its child detaches
// with, the child in a session of its own and writing to the parent's
// stderr until it detaches; a child that ends without detaching makes
// it return 1.
func TestStartDaemonChild(t *testing.T) {
	for _, tc := range []struct {
		behaviour, stderr string
		want              int
	}{
		{"detach", "before detach\n", 7},
		{"end", "", 1},
	} {
		t.Run(tc.behaviour, func(t *testing.T) {
			t.Setenv(childBehaviourEnv, tc.behaviour)
			stderr, err := os.CreateTemp(t.TempDir(), "stderr")
			if err != nil {
				t.Fatal(err)
			}
			defer stderr.Close()
			if got := StartDaemonChild(nil, stderr); got != tc.want {
				t.Errorf("exit status %d, want %d", got, tc.want)
			}
			// The child's last line, if any, went to /dev/null after
			// the status byte; what precedes that byte is in the file.
			b, err := os.ReadFile(stderr.Name())
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.stderr {
				t.Errorf("child's stderr %q, want %q", b, tc.stderr)
			}
		})
	}
}

// Outside the daemon child there is nothing to detach from, and Detach
// on the nil Detacher does nothing.
func TestChildDetacherInForeground(t *testing.T) {
	t.Setenv(daemonChildEnv, "")
	d := ChildDetacher()
	if d != nil {
		t.Fatalf("ChildDetacher() = %v outside the daemon child", d)
	}
	d.Detach(0)
}
