package platform

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// ProcessAlive reports whether process pid exists and is not a zombie:
// a zombie counts as gone, since it may have no parent left to reap it.
// Without /proc (outside Linux) every process counts as gone.
func ProcessAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// Go cannot fork, so ISC's daemon rule (SPEC §2) re-executes the binary:
// the parent starts a child in a new session with a pipe on fd 3 and
// daemonChildEnv set, then exits with the one status byte the child
// writes once it detaches, or 1 if the child ends first (reference
// §1.3).
const daemonChildEnv = "LEASED_DHCLIENT_CHILD"

// IsDaemonChild reports whether this process is the re-executed daemon
// child of StartDaemonChild.
func IsDaemonChild() bool { return os.Getenv(daemonChildEnv) == "1" }

// StartDaemonChild re-executes this binary with args as the daemon child,
// its stderr ours until it detaches, and returns the exit status the
// child sends through its Detacher: 1 when it ends without sending one
// or cannot be started, which is said on stderr.
func StartDaemonChild(args []string, stderr io.Writer) int {
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(stderr, "create pipe: %v\n", err)
		return 1
	}
	defer r.Close()
	self, err := os.Executable()
	if err != nil {
		w.Close()
		fmt.Fprintf(stderr, "find own executable: %v\n", err)
		return 1
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), daemonChildEnv+"=1")
	cmd.Stderr = stderr
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = ownSession()
	err = cmd.Start()
	w.Close()
	if err != nil {
		fmt.Fprintf(stderr, "start daemon: %v\n", err)
		return 1
	}
	var b [1]byte
	n, _ := r.Read(b[:])
	// The child runs on; Release drops our handle without waiting.
	cmd.Process.Release()
	if n != 1 {
		return 1
	}
	return int(b[0])
}

// Detacher is the daemon child's end of the status pipe.
type Detacher struct{ pipe *os.File }

// ChildDetacher returns the daemon child's Detacher, or nil outside the
// daemon child (in the foreground).
func ChildDetacher() *Detacher {
	if !IsDaemonChild() {
		return nil
	}
	return &Detacher{pipe: os.NewFile(3, "status-pipe")}
}

// Detach tells the waiting parent to exit with code, leaves the working
// directory (a daemon keeps none busy) and points stdio at /dev/null. It
// does nothing on a nil Detacher and after the first call.
func (d *Detacher) Detach(code int) {
	if d == nil || d.pipe == nil {
		return
	}
	d.pipe.Write([]byte{byte(code)})
	d.pipe.Close()
	d.pipe = nil
	os.Chdir("/")
	if err := DetachStdio(); err != nil {
		fmt.Fprintf(os.Stderr, "detach stdio: %v\n", err)
	}
}
