package platform

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// The test binary doubles as the daemon child of TestStartDaemonChild.
func TestMain(m *testing.M) {
	if IsDaemonChild() {
		os.Exit(daemonChild(os.Getenv(childBehaviourEnv)))
	}
	os.Exit(m.Run())
}

// childBehaviourEnv tells the daemon child of TestStartDaemonChild what
// to do.
const childBehaviourEnv = "LEASED_TEST_DAEMON_CHILD"

// daemonChild is the test binary run as the daemon child: "detach" says
// a line on stderr, then detaches with 7, or 8 when it is not in a
// session of its own, and says a line the parent must not see; "end"
// ends without detaching.
func daemonChild(behaviour string) int {
	if behaviour != "detach" {
		return 0
	}
	fmt.Fprintln(os.Stderr, "before detach")
	code := 7
	if sid, err := unix.Getsid(0); err != nil || sid != os.Getpid() {
		code = 8
	}
	ChildDetacher().Detach(code)
	fmt.Fprintln(os.Stderr, "after detach")
	return 0
}
