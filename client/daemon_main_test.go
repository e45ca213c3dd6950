package client_test

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/statemachine/dhcp4"
)

// mainRig runs the rig's Daemon through Main with a pid file, recording
// each call of Detach. The pid file names a control socket, whose
// network wait synctest cannot see as blocked: a path that cannot be
// created keeps it shut.
type mainRig struct {
	*daemonRig
	detached []int // read after synctest.Wait or Main's end
	code     chan int
	cancel   func()
}

func newMainRig(t *testing.T, conf string, names ...string) *mainRig {
	m := &mainRig{daemonRig: newDaemonRig(t, conf, names...), code: make(chan int, 1)}
	m.d.PIDPath = m.path("dhclient.pid")
	m.d.Config.Global.ControlSocket = m.path("no-such-directory/control")
	m.d.Detach = func(code int) { m.detached = append(m.detached, code) }
	return m
}

func (m *mainRig) start() {
	ctx, cancel := context.WithCancel(m.t.Context())
	m.cancel = cancel
	go func() { m.code <- m.d.Main(ctx) }()
}

// pidFile returns the pid file's contents, "" when there is none.
func (m *mainRig) pidFile() string {
	b, err := os.ReadFile(m.d.PIDPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		m.t.Fatal(err)
	}
	return string(b)
}

var ourPID = strconv.Itoa(os.Getpid()) + "\n"

// In daemon mode the parent returns 0 once every interface is bound,
// when the pid file is there; SIGTERM removes it and detaches no more.
func TestDaemonMainDetachesWhenReady(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMainRig(t, nativeConf, "eth0")
		m.start()
		disc := expectSent(t, m.links["eth0"], dhcp4.Discover)
		synctest.Wait()
		if len(m.detached) != 0 || m.pidFile() != "" {
			t.Fatalf("before the lease: detached %v, pid file %q; want neither", m.detached, m.pidFile())
		}
		m.links["eth0"].Deliver(reply(disc.Msg(), dhcp4.Offer, 600), fromServer)
		q := expectSent(t, m.links["eth0"], dhcp4.Request)
		m.links["eth0"].Deliver(reply(q.Msg(), dhcp4.Ack, 600), fromServer)
		synctest.Wait()
		if !slices.Equal(m.detached, []int{0}) || m.pidFile() != ourPID {
			t.Errorf("once bound: detached %v, pid file %q; want [0] and %q", m.detached, m.pidFile(), ourPID)
		}
		m.cancel()
		if code := <-m.code; code != 0 {
			t.Errorf("Main = %d, want 0", code)
		}
		if !slices.Equal(m.detached, []int{0}) || m.pidFile() != "" {
			t.Errorf("after SIGTERM: detached %v, pid file %q; want [0] and none", m.detached, m.pidFile())
		}
	})
}

// -d writes the pid file at start; with no parent waiting nothing is
// handed on, and a child that gives up under -1 hands its parent 2.
func TestDaemonMainOneTryInForeground(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMainRig(t, nativeConf+"timeout 5;\n", "eth0")
		m.d.Foreground, m.d.OneTry = true, true
		drained := m.drain("eth0")
		m.start()
		synctest.Wait()
		if m.pidFile() != ourPID {
			t.Errorf("-d: pid file %q at start, want %q", m.pidFile(), ourPID)
		}
		if code := <-m.code; code != 2 {
			t.Errorf("Main = %d under -1 without a server, want 2", code)
		}
		close(drained)
		if m.pidFile() != "" {
			t.Errorf("pid file %q left behind", m.pidFile())
		}
		if !slices.Equal(m.detached, []int{2}) {
			t.Errorf("detached %v, want [2]", m.detached)
		}
	})
}

// -nw: the parent returns once the first DISCOVER is out, with the pid
// file written at start; --no-pid writes none.
func TestDaemonMainNoWait(t *testing.T) {
	for _, noPID := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			m := newMainRig(t, nativeConf, "eth0")
			m.d.NoWait, m.d.NoPID = true, noPID
			drained := m.drain("eth0")
			m.start()
			synctest.Wait()
			want := ourPID
			if noPID {
				want = ""
			}
			if !slices.Equal(m.detached, []int{0}) || m.pidFile() != want {
				t.Errorf("--no-pid %v: detached %v, pid file %q; want [0] and %q", noPID, m.detached, m.pidFile(), want)
			}
			m.cancel()
			<-m.code
			close(drained)
		})
	}
}

// Nothing to configure: the NBI call, exit 0 handed to the parent.
func TestDaemonMainWithoutInterfaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMainRig(t, nativeConf)
		m.d.NoIfaces = true
		m.start()
		if code := <-m.code; code != 0 || !slices.Equal(m.detached, []int{0}) {
			t.Errorf("Main = %d, detached %v; want 0 and [0]", code, m.detached)
		}
	})
}

// dhclient -t: problems and the verdict on out; warnings pass, errors
// and a missing file fail.
func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, conf string
		want       int
		out        string
	}{
		{"good.conf", "timeout 30;\n", 0, "good.conf: configuration OK\n"},
		{"bad.conf", "timeout thirty;\n", 1, "bad.conf line 1:"},
		{"missing.conf", "", 1, "no such file or directory"},
	} {
		path := dir + "/" + tc.name
		if tc.conf != "" {
			if err := os.WriteFile(path, []byte(tc.conf), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var out strings.Builder
		if got := client.CheckConfig(path, &out); got != tc.want || !strings.Contains(out.String(), tc.out) {
			t.Errorf("%s: CheckConfig = %d, said %q; want %d saying %q", tc.name, got, out.String(), tc.want, tc.out)
		}
	}
}

// LoadConfig reads ConfPath into Config and renders its problems to
// report, or nowhere.
func TestLoadConfig(t *testing.T) {
	path := t.TempDir() + "/dhclient.conf"
	if err := os.WriteFile(path, []byte("timeout 7;\nbogus-statement;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, quiet := range []bool{false, true} {
		d := &client.Daemon{Options: client.Options{ConfPath: path}}
		var out strings.Builder
		var report io.Writer = &out
		if quiet {
			report = nil
		}
		diags, err := d.LoadConfig(report)
		if err != nil || len(diags) == 0 || d.Config == nil || d.Config.Global.Timeout != 7*time.Second {
			t.Fatalf("LoadConfig: %v, diagnostics %v, config %+v", err, diags, d.Config)
		}
		if said := out.String(); quiet != (said == "") || (!quiet && !strings.Contains(said, "line 2")) {
			t.Errorf("quiet %v: reported %q", quiet, said)
		}
	}
	d := &client.Daemon{Options: client.Options{ConfPath: t.TempDir()}} // a directory: unreadable
	if _, err := d.LoadConfig(nil); err == nil || d.Config != nil {
		t.Errorf("LoadConfig of a directory: %v, config %v; want an error and none", err, d.Config)
	}
}

// The first DHCPDISCOVER leaves before the daemon writes its pid and
// lease files (README "Performance"): the pid file is there once it is
// out; the start's rewrite of the lease file goes with its next write,
// here the one at the end.
func TestDaemonMainFirstMessageLeavesFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMainRig(t, nativeConf, "eth0")
		m.d.Foreground = true
		link := m.links["eth0"]
		link.Sent = make(chan clienttest.Datagram) // the runner waits in its first send
		m.start()
		synctest.Wait()
		if m.pidFile() != "" || m.exists("dhclient.leases") {
			t.Errorf("while the first message is sent: pid file %q, lease file %v; want neither", m.pidFile(), m.exists("dhclient.leases"))
		}
		if d := <-link.Sent; d.Msg().Type() != dhcp4.Discover {
			t.Fatalf("first message %v, want DHCPDISCOVER", d.Msg().Type())
		}
		drained := m.drain("eth0")
		synctest.Wait()
		if m.pidFile() != ourPID || m.exists("dhclient.leases") {
			t.Errorf("after it: pid file %q, lease file %v; want %q and none yet", m.pidFile(), m.exists("dhclient.leases"), ourPID)
		}
		m.cancel()
		<-m.code
		close(drained)
		if !m.exists("dhclient.leases") {
			t.Error("no lease file once the daemon ended: the start's rewrite was lost")
		}
	})
}

// exists reports whether the rig's directory holds name.
func (m *mainRig) exists(name string) bool {
	_, err := os.Stat(m.path(name))
	return err == nil
}
