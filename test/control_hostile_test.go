//go:build linux

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/test/lab"
)

// ctlNobody is the uid and gid (nobody) the test takes with setpriv.
const ctlNobody = "65534"

// TestNonRootCannotControl checks both gates of SPEC §8 against an
// unprivileged user: the socket's mode 0600 (connect fails) and, with the
// mode opened up by the test, the peer-credential check (the daemon
// refuses). Then it throws garbage, an oversized line, half-written
// requests and too many connections at the daemon as root, which must
// answer or drop each of them and keep serving.
func TestNonRootCannotControl(t *testing.T) {
	t.Parallel()
	setpriv := lab.RequireBinary(t, "setpriv", "util-linux")
	l := lab.New(t)
	ifname := l.ClientIf()
	l.StartDnsmasq(t, ctlOpts(l))
	// The daemon's directory and a copy of dhclientctl must be reachable
	// by nobody: t.TempDir and the test binaries' directory are 0700.
	dir, err := os.MkdirTemp("", "leased-ctl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dhclientctl")
	ctlCopyFile(t, dhclientctlBin, bin, 0o755)
	d := startCtlDaemon(t, l, dir, ifname)
	addr := d.waitBound(t)[ifname]
	dlog := ctlMark(d.Log())

	asNobody := func(args ...string) (string, int) {
		argv := append([]string{"--reuid=" + ctlNobody, "--regid=" + ctlNobody, "--clear-groups", bin, "-s", d.sock}, args...)
		out, errOut, code := ctlRunCode(t, exec.Command(setpriv, argv...))
		return out + errOut, code
	}
	// Mode 0600: nobody cannot even connect, and dhclientctl says so.
	if fi, err := os.Stat(d.sock); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket %s has mode %v, want 0600", d.sock, fi.Mode())
	}
	if out, code := asNobody("renew", ifname); code != 1 || !strings.Contains(out, "permission denied") {
		t.Errorf("renew as nobody through a 0600 socket: exit %d\n%s", code, out)
	}
	// With the mode opened, the daemon itself refuses nobody, by uid.
	if err := os.Chmod(d.sock, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, verb := range [][]string{{"renew", ifname}, {"release", ifname}, {"shutdown"}, {"status"}} {
		out, code := asNobody(verb...)
		if code != 1 || !strings.Contains(out, "permission denied") || !strings.Contains(out, "uid "+ctlNobody) {
			t.Errorf("%s as nobody: exit %d\n%s", verb[0], code, out)
		}
	}

	ctlHostile(t, d, ifname)

	// Nothing above did anything: the first REQUEST since is the one
	// root asks for now, and the lease is the same.
	select {
	case <-d.proc.Done():
		t.Fatalf("daemon exited: %v", d.proc.Err())
	default:
	}
	ctlOK(t, "-s", d.sock, "renew", ifname)
	dlog.wait(t, fmt.Sprintf("DHCPREQUEST for %v on %s", addr.Addr(), ifname), ctlStepTimeout)
	if got := dlog.lines("DHCPREQUEST"); len(got) != 1 {
		t.Errorf("client sent %d requests, want only root's renew:\n%s", len(got), strings.Join(got, "\n"))
	}
	if got := dlog.lines("panic"); len(got) > 0 {
		t.Errorf("daemon log:\n%s", dlog.since())
	}
	if st := d.status(t, ifname); st.State != "BOUND" && st.State != "RENEWING" || st.Address != addr {
		t.Errorf("status at the end: %+v", st)
	}
}

// ctlHostile sends, as root, what a careless or hostile client
// might, and checks each answer and that status still answers after it.
func ctlHostile(t *testing.T, d *ctlDaemon, ifname string) {
	t.Helper()
	half := `{"verb":"renew","interface":"` + ifname + `"`
	status := `{"verb":"status"}` + "\n"
	for _, c := range []struct {
		name, send string
		want       string // start of the error reply
		then       string // "status": the connection stays usable; "close-write"; "close"
	}{
		{"garbage", "\x00\xff\x7fnot json at all\n", "bad request", "status"},
		{"unknown verb", `{"verb":"format-disk"}` + "\n", "bad request", "status"},
		{"unknown field", `{"verb":"status","root":true}` + "\n", "bad request", "status"},
		{"oversized", "{" + strings.Repeat(`"a":1,`, 100<<10/6) + "}\n", "bad request: request longer than", "status"},
		{"half written", half, "incomplete request", "close-write"},
		{"half written and gone", half, "", "close"},
	} {
		conn := ctlDial(t, d.sock)
		if _, err := io.WriteString(conn, c.send); err != nil {
			t.Fatalf("%s: write: %v", c.name, err)
		}
		switch c.then {
		case "close":
			conn.Close()
			continue
		case "close-write":
			conn.(*net.UnixConn).CloseWrite()
		}
		rd := bufio.NewReader(conn)
		if rep := ctlReadReply(t, c.name, rd); rep.OK || !strings.HasPrefix(rep.Error, c.want) {
			t.Errorf("%s: reply %+v, want an error starting %q", c.name, rep, c.want)
		}
		if c.then == "status" {
			io.WriteString(conn, status)
			if rep := ctlReadReply(t, c.name+", then status", rd); !rep.OK || len(rep.Interfaces) != 1 {
				t.Errorf("%s, then status: %+v", c.name, rep)
			}
		}
		conn.Close()
	}
	ctlStalled(t, d, half)
}

// ctlStalled holds a half-written request open past the daemon's read
// deadline while 40 idle connections try to take every slot: the daemon
// refuses the connections beyond its limit, serves status again once
// they are gone, and answers the stalled request with a timeout.
func ctlStalled(t *testing.T, d *ctlDaemon, half string) {
	t.Helper()
	slow := ctlDial(t, d.sock)
	defer slow.Close()
	io.WriteString(slow, half)
	var conns []net.Conn
	refused := 0
	for range 40 {
		c := ctlDial(t, d.sock)
		conns = append(conns, c)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, c := range conns {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(time.Second))
			var rep control.Reply
			if err := json.NewDecoder(c).Decode(&rep); err == nil && rep.Error == "too many connections" {
				mu.Lock()
				refused++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if refused < 40-control.DefaultMaxConns {
		t.Errorf("%d of 40 extra connections refused, want at least %d", refused, 40-control.DefaultMaxConns)
	}
	for _, c := range conns {
		c.Close()
	}
	lab.PollUntil(t, ctlStepTimeout, func() bool {
		_, _, code := ctl(t, "-s", d.sock, "status")
		return code == 0
	}, func() string { return "status after the flood" })

	rep := ctlReadReply(t, "stalled request", bufio.NewReader(slow))
	if rep.OK || !strings.HasPrefix(rep.Error, "read timeout") {
		t.Errorf("stalled request: %+v, want a read timeout", rep)
	}
}

func ctlDial(t *testing.T, sock string) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("dial %s: %v", sock, err)
	}
	// Longer than the daemon's 5 s read deadline: a reply that does not
	// come fails the test instead of hanging it.
	c.SetDeadline(time.Now().Add(15 * time.Second))
	return c
}

// ctlReadReply reads one reply line.
func ctlReadReply(t *testing.T, what string, rd *bufio.Reader) control.Reply {
	t.Helper()
	var rep control.Reply
	line, err := rd.ReadBytes('\n')
	if err != nil {
		t.Fatalf("%s: read reply: %v (got %q)", what, err, line)
	}
	if err := json.Unmarshal(line, &rep); err != nil {
		t.Fatalf("%s: reply %q: %v", what, line, err)
	}
	return rep
}

func ctlCopyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}
