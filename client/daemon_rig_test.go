package client_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// nativeConf makes leased configure the interfaces whatever script runs,
// so hooks run off the runner goroutine (SPEC §6.5).
const nativeConf = "configure-interface native;\n"

// hookScript records each call as "INTERFACE REASON" in $HOOKLOG (the
// environment is built afresh: -e passes the path). NBI names its reason
// in upper case, as ISC's does.
const hookScript = "#!/bin/sh\necho \"$interface ${reason:-$REASON}\" >> \"$HOOKLOG\"\n"

var errNoDevice = errors.New("no such device")

// daemonRig runs a Daemon on fake links and watches, with a real
// configuration file, lease file and hook script in a temporary
// directory.
type daemonRig struct {
	t          *testing.T
	dir        string
	d          *client.Daemon
	links      map[string]*clienttest.Link // fixed before Run
	linkWatch  *clienttest.LinkWatch
	sleepWatch *clienttest.SleepWatch
	notes      *clienttest.Notes
	log        *syncBuffer
	hup        chan os.Signal
	ready      chan struct{}
	cancel     context.CancelFunc
	done       chan error
}

func newDaemonRig(t *testing.T, conf string, names ...string) *daemonRig {
	t.Helper()
	r := &daemonRig{
		t: t, dir: t.TempDir(), links: map[string]*clienttest.Link{},
		linkWatch: clienttest.NewLinkWatch(), sleepWatch: clienttest.NewSleepWatch(),
		notes: &clienttest.Notes{}, log: &syncBuffer{},
		hup: make(chan os.Signal, 1), ready: make(chan struct{}), done: make(chan error, 1),
	}
	for _, n := range names {
		r.links[n] = clienttest.NewLink(n)
	}
	r.writeConf(conf)
	script := r.path("hook.sh")
	if err := os.WriteFile(script, []byte(hookScript), 0o755); err != nil {
		t.Fatal(err)
	}
	r.d = &client.Daemon{
		Options: client.Options{
			Interfaces: names, ConfPath: r.path("dhclient.conf"), LeasePath: r.path("dhclient.leases"),
			ScriptPath: script, Env: []string{"HOOKLOG=" + r.path("hooks")},
		},
		System:  r.system(),
		Log:     r.log.logger(),
		Hangup:  r.hup,
		OnReady: func() { close(r.ready) },
	}
	r.loadConf()
	return r
}

// system is the fake operating system: the rig's links, watches and
// service manager.
func (r *daemonRig) system() client.System {
	return client.System{
		OpenLink: func(s client.LinkSpec) client.Link { return r.links[s.Name] },
		HardwareAddr: func(name string) (net.HardwareAddr, error) {
			if l, ok := r.links[name]; ok {
				return l.HW, nil
			}
			return nil, errNoDevice
		},
		Hostname:   func() string { return "testhost" },
		WatchLinks: r.linkWatch.Watch,
		WatchSleep: r.sleepWatch.Watch,
		Notify:     r.notes.Notify,
	}
}

func (r *daemonRig) path(name string) string { return filepath.Join(r.dir, name) }

func (r *daemonRig) writeConf(conf string) {
	r.t.Helper()
	if err := os.WriteFile(r.path("dhclient.conf"), []byte(conf), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// loadConf is the daemon's first load, as dhclient's.
func (r *daemonRig) loadConf() {
	r.t.Helper()
	diags, err := r.d.LoadConfig(nil)
	if err != nil || config.HasErrors(diags) {
		r.t.Fatalf("load configuration: %v %v", err, diags)
	}
}

// start runs the daemon until stop.
func (r *daemonRig) start() {
	ctx, cancel := context.WithCancel(r.t.Context())
	r.cancel = cancel
	go func() { r.done <- r.d.Run(ctx) }()
}

// stop ends the daemon as SIGTERM does and returns Run's error.
func (r *daemonRig) stop() error {
	r.cancel()
	return <-r.done
}

// bind answers one interface's DISCOVER and REQUEST with a lease of
// secs seconds.
func (r *daemonRig) bind(name string, secs uint32) {
	r.t.Helper()
	l := r.links[name]
	d := expectSent(r.t, l, dhcp4.Discover)
	l.Deliver(reply(d.Msg(), dhcp4.Offer, secs), fromServer)
	q := expectSent(r.t, l, dhcp4.Request)
	l.Deliver(reply(q.Msg(), dhcp4.Ack, secs), fromServer)
}

// drain discards what the interface sends until the returned channel is
// closed, which must follow stop.
func (r *daemonRig) drain(name string) chan<- struct{} {
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-r.links[name].Sent:
			case <-stop:
				return
			}
		}
	}()
	return stop
}

// hooks returns the hook calls so far, as "INTERFACE REASON".
func (r *daemonRig) hooks() []string {
	b, err := os.ReadFile(r.path("hooks"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		r.t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// leaseFile reads the lease database the daemon wrote.
func (r *daemonRig) leaseFile() *lease.File {
	r.t.Helper()
	f, errs := (&lease.Store{Path: r.d.LeasePath}).Load(nil)
	if len(errs) > 0 {
		r.t.Fatal(errs)
	}
	return f
}

// expectSent waits for the next datagram l sends and checks its type.
// The day-long limit only guards against a hang: inside a synctest
// bubble it passes as soon as nothing else can happen.
func expectSent(t *testing.T, l *clienttest.Link, typ dhcp4.MessageType) clienttest.Datagram {
	t.Helper()
	select {
	case d := <-l.Sent:
		if got := d.Msg().Type(); got != typ {
			t.Fatalf("%s sent %v, want %v", l.IfName, got, typ)
		}
		return d
	case <-time.After(24 * time.Hour):
		t.Fatalf("%s sent nothing, want %v", l.IfName, typ)
	}
	return clienttest.Datagram{}
}

// syncBuffer collects log lines from any goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) logger() *slog.Logger {
	return slog.New(client.NewLineHandler(b, slog.LevelDebug))
}

// boundLog runs a daemon with conf on eth0 until it has bound, stops it
// and returns its log.
func boundLog(t *testing.T, conf string) string {
	r := newDaemonRig(t, conf, "eth0")
	r.start()
	r.bind("eth0", 600)
	<-r.ready
	r.stop()
	return r.log.String()
}
