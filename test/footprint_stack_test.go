//go:build linux

package e2e

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// idleStackLimit is the most stack an idle goroutine may use for the
// collector to halve an 8 KiB stack: it shrinks a stack only when the
// part in use plus the runtime's 800-byte guard is under a quarter of it
// (runtime.shrinkstack). A runner and its reader grow to 8 KiB while
// they work; waiting within this, each holds 4 KiB once idle, which is
// a quarter of an interface's cost at a thousand interfaces (README
// "Performance").
const idleStackLimit = 8192/4 - 800

// TestIdleRunnerAndReaderStacksCanShrink reads how much stack a bound,
// idle interface's goroutines use, from the traceback a SIGQUIT prints
// with GOTRACEBACK=system (every frame's sp and fp). With forcerenew on
// they are the runner and its packet socket's reader; by default the
// socket passes nothing once bound, its reader has ended, and the runner
// is the only one.
func TestIdleRunnerAndReaderStacksCanShrink(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, conf string
		reader     bool
	}{
		{"default", "", false},
		{"forcerenew", "forcerenew on;\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := boundTraceback(t, "timeout 20;\n"+c.conf)
			checkIdleStack(t, out, "runner", "client.(*Runner).next(")
			switch {
			case c.reader:
				checkIdleStack(t, out, "reader", "client.(*Runner).read(")
			case strings.Contains(out, "client.(*Runner).read("):
				t.Errorf("a packet socket's reader runs while bound with forcerenew off:\n%s", out)
			}
		})
	}
}

// boundTraceback binds a daemon with dhclient.conf conf and returns the
// traceback it prints on SIGQUIT once idle.
func boundTraceback(t *testing.T, conf string) string {
	t.Helper()
	l := lab.New(t)
	l.StartDnsmasq(t, lab.ServerOpts{LeaseTime: time.Hour})
	r := newDaemonRig(t, l, conf)
	ifname := l.ClientIf()
	cmd := lab.Command(l.ClientNS(), r.argv([]string{"-d", "-v"}, ifname)...)
	cmd.Env = append(os.Environ(), "GOTRACEBACK=system")
	p := lab.StartCmd(t, cmd, r.dir+"/daemon.log")
	p.WaitLog(t, "bound to ", daemonBindLimit)
	r.waitReason(t, "BOUND", 5*time.Second)
	time.Sleep(time.Second) // the work after the hook: logging, the lease file

	if err := p.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("dhclient did not end on SIGQUIT")
	}
	out, err := os.ReadFile(p.Log())
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// checkIdleStack checks that the goroutine of traceback waiting in
// waitsIn uses little enough stack for its stack to shrink.
func checkIdleStack(t *testing.T, traceback, name, waitsIn string) {
	t.Helper()
	used, trace, ok := stackInUse(traceback, waitsIn)
	if !ok {
		t.Errorf("no goroutine waiting in %s in the traceback:\n%s", waitsIn, traceback)
		return
	}
	t.Logf("idle %s: %d bytes of stack in use", name, used)
	if used >= idleStackLimit {
		t.Errorf("the idle %s uses %d bytes of stack, want under %d so that its stack can shrink to 4 KiB:\n%s",
			name, used, idleStackLimit, trace)
	}
}

var framePointers = regexp.MustCompile(`fp=0x([0-9a-f]+) sp=0x([0-9a-f]+)`)

// stackInUse finds, in a GOTRACEBACK=system traceback, the goroutine
// with a frame of function and returns the bytes of stack it uses: from
// the stack's top (the first frame's fp rounded up to the 2 KiB that
// every stack is aligned to) down to its innermost frame's sp.
func stackInUse(traceback, function string) (used uint64, trace string, ok bool) {
	for _, g := range strings.Split(traceback, "\n\n") {
		if !strings.HasPrefix(g, "goroutine ") || !strings.Contains(g, function) {
			continue
		}
		var top, sp uint64
		for _, m := range framePointers.FindAllStringSubmatch(g, -1) {
			f, _ := strconv.ParseUint(m[1], 16, 64)
			s, _ := strconv.ParseUint(m[2], 16, 64)
			top = max(top, f)
			if sp == 0 || s < sp {
				sp = s
			}
		}
		if sp == 0 {
			return 0, g, false
		}
		top = (top + 2047) &^ 2047
		return top - sp, g, true
	}
	return 0, "", false
}
