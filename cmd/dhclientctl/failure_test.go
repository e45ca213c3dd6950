package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/client/control"
)

// denyingDaemon answers every request as a daemon does for a user who may
// not use the verb.
func denyingDaemon(t *testing.T, path string) {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					if _, err := r.ReadBytes('\n'); err != nil {
						return
					}
					c.Write([]byte(`{"ok":false,"error":"permission denied: renew changes state and needs root or uid 0, not uid 65534"}` + "\n"))
				}
			}()
		}
	}()
}

func TestPermissionDenied(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dhclient.sock")
	denyingDaemon(t, path)
	var out, errOut bytes.Buffer
	c := &cli{stdout: &out, stderr: &errOut, glob: path, loc: time.UTC}
	if code := c.main(context.Background(), []string{"renew", "eth0"}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	want := "dhclientctl: permission denied: renew changes state and needs root or uid 0, not uid 65534\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

// staleSocket leaves a socket file nobody listens on, as a killed daemon does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
}

// A socket no process listens on, left by a killed daemon (cloud-init
// SIGKILLs its dhclient -1), is no daemon: status shows the live ones and
// succeeds. Named with -s, it is an error.
func TestStatusSkipsStaleSocket(t *testing.T) {
	c, out, errOut, _, _ := lab(t)
	dead := filepath.Join(filepath.Dir(c.glob), "dhclient.dead.sock")
	staleSocket(t, dead)
	if code := c.main(context.Background(), []string{"status"}); code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, errOut.String())
	}
	golden(t, "status.golden", out.String())
	if errOut.Len() != 0 {
		t.Errorf("stderr %q, want nothing", errOut.String())
	}
	errOut.Reset()
	if code := c.main(context.Background(), []string{"-s", dead, "status"}); code != 1 {
		t.Fatalf("-s %s: exit %d, want 1", dead, code)
	}
	if want := "dhclientctl: no daemon answers on " + dead + "\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
}

func TestNoDaemon(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	c := &cli{stdout: &out, stderr: &errOut, glob: filepath.Join(dir, "dhclient*.sock"), loc: time.UTC}
	if code := c.main(context.Background(), []string{"status"}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.HasPrefix(errOut.String(), "dhclientctl: no dhclient daemon running (no socket matches ") {
		t.Errorf("stderr %q", errOut.String())
	}
}

func TestJSONErrorReplyPrinted(t *testing.T) {
	c, out, errOut, _, _ := lab(t)
	sock := filepath.Join(filepath.Dir(c.glob), "dhclient.eth1.sock")
	if code := c.main(context.Background(), []string{"-s", sock, "-json", "release", "eth0"}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if got, want := out.String(), `{"ok":false,"error":"unknown interface eth0"}`+"\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if errOut.String() != "dhclientctl: unknown interface eth0\n" {
		t.Errorf("stderr %q", errOut.String())
	}
}

// lockedBuffer is written by the watch goroutines and read by the test.
type lockedBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	lines chan struct{}
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer func() { l.lines <- struct{}{} }()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestWatchMergesDaemons(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		c, _, errOut, a, b := lab(t)
		out := &lockedBuffer{lines: make(chan struct{}, 8)}
		c.stdout = out
		ctx, cancel := context.WithCancel(context.Background())
		args := []string{"watch"}
		if asJSON {
			args = append(args, "-json")
		}
		done := make(chan int, 1)
		go func() { done <- c.main(ctx, args) }()
		<-a.watch
		<-b.watch
		at := time.Date(2001, 2, 3, 4, 0, 0, 0, time.UTC)
		a.events <- control.Event{Kind: control.EventState, Interface: "eth0", State: "BOUND", Reason: "BOUND", Address: eth0.Address, Time: at}
		<-out.lines
		b.events <- control.Event{Kind: control.EventLink, Interface: "eth1", Link: "down", Time: at.Add(time.Second)}
		<-out.lines
		a.events <- control.Event{Kind: control.EventLease, Interface: "eth0", Reason: "RENEW", Address: eth0.Address, Time: at.Add(2 * time.Second)}
		<-out.lines
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		name := "watch.golden"
		if asJSON {
			name = "watch-json.golden"
		}
		golden(t, name, out.String())
	}
}
