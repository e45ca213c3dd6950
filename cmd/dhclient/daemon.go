package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"github.com/leased/leased/platform"
)

// Go cannot fork, so the daemon rule of SPEC §2 re-executes the binary:
// the parent starts a child in a new session with a pipe on fd 3 and the
// marker variable set, then exits with the one status byte the child
// writes — or 1 if the child dies first (reference §1.3).
const childMarker = "LEASED_DHCLIENT_CHILD"

// isChild reports whether this process is the re-executed daemon child.
func isChild() bool { return os.Getenv(childMarker) == "1" }

// spawnChild starts the daemon child and waits for its status byte.
func spawnChild(args []string, stderr io.Writer) int {
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(stderr, "create pipe: %v\n", err)
		return 1
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "find own executable: %v\n", err)
		return 1
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), childMarker+"=1")
	cmd.Stderr = stderr // until the child detaches
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "start daemon: %v\n", err)
		return 1
	}
	w.Close()
	var b [1]byte
	n, _ := r.Read(b[:])
	r.Close()
	// The child runs on; Release drops our handle without waiting.
	cmd.Process.Release()
	if n != 1 {
		return 1
	}
	return int(b[0])
}

// detacher is the child's side of the pipe. Detach is called once the
// parent may return: it sends the status and points stdio at /dev/null.
type detacher struct{ pipe *os.File }

// newDetacher returns the child's detacher, or nil in the foreground.
func newDetacher() *detacher {
	if !isChild() {
		return nil
	}
	return &detacher{pipe: os.NewFile(3, "status-pipe")}
}

// Detach tells the parent to exit with code and detaches stdio. It is a
// no-op on a nil detacher and after the first call.
func (d *detacher) Detach(code int) {
	if d == nil || d.pipe == nil {
		return
	}
	d.pipe.Write([]byte{byte(code)})
	d.pipe.Close()
	d.pipe = nil
	// Paths are absolute by now (parseFlags); a daemon keeps no directory
	// busy.
	os.Chdir("/")
	if err := platform.DetachStdio(); err != nil {
		fmt.Fprintf(os.Stderr, "detach stdio: %v\n", err)
	}
}
