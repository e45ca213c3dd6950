//go:build linux

package lab

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Capture is a tcpdump of DHCP traffic on one interface, as text, for
// reading when a test fails.
type Capture struct {
	proc *Proc
}

// Log is the path of the decoded packets.
func (c *Capture) Log() string { return c.proc.Log() }

// Capture starts tcpdump on ifname in namespace ns for UDP ports 67 and
// 68; when t fails the capture is added to its log. tcpdump is optional:
// without it Capture logs why and returns nil, so tests must not depend
// on what it records.
func (l *Lab) Capture(t testing.TB, ns, ifname string) *Capture {
	t.Helper()
	bin, err := exec.LookPath("tcpdump")
	if err != nil {
		if _, serr := os.Stat("/usr/bin/tcpdump"); serr != nil {
			t.Logf("no packet capture on %s: tcpdump not installed", ifname)
			return nil
		}
		bin = "/usr/bin/tcpdump"
	}
	file := filepath.Join(t.TempDir(), "capture-"+ifname+".txt")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- packets on %s ---\n%s", ifname, tail(file))
		}
	})
	c := &Capture{proc: Start(t, ns, file, bin, "-l", "-n", "-e", "-vv", "-i", ifname, "udp port 67 or udp port 68")}
	c.proc.WaitLog(t, "listening on", 10*time.Second)
	return c
}
