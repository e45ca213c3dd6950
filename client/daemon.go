package client

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/hooks"
)

// Daemon is one dhclient process (SPEC §2). It assembles a runner for
// every interface from the options, the configuration, the lease file
// and the System, runs them under a Manager, and runs beside them the
// watchers that feed them events: the link and sleep watch, the reload
// on SIGHUP, the control socket, and systemd's status and watchdog.
// Set the exported fields, then call Run (the client) or Leave
// (dhclient -r and -x), once.
type Daemon struct {
	Options
	// Config is the configuration loaded at start; required. A reload
	// reads ConfPath again and hands the runners the new settings; Config
	// itself is never modified.
	Config *config.Config
	// System is the operating system's side; see its fields for which
	// are required.
	System System
	// Log receives the daemon's messages, ISC's phrases among them; nil
	// discards them.
	Log *slog.Logger
	// Hangup delivers SIGHUP: read the configuration again. nil: never.
	Hangup <-chan os.Signal
	// Trap installs the handlers of the signals that stop the daemon or
	// reload it (SIGTERM, SIGINT, SIGHUP); nil: none. Run calls it once
	// the first interface has taken its first step, or before the NBI
	// hook when there is none. Installing them takes the runtime three
	// round trips to a thread of its own, 0.45 ms that would delay the
	// first DHCPDISCOVER; until then a signal ends the daemon at once, as
	// it ends ISC's at any time (reference §8), and there is nothing yet
	// that a clean stop would undo: no pid file, address, lease change
	// or control socket.
	Trap func()
	// OnStart is called once the first interface has taken its first
	// step (Manager.Started): where -d and -nw write the pid file. nil:
	// nothing.
	OnStart func()
	// OnSent is called once, when every interface has sent its first
	// message or waits without sending (link down): where dhclient -nw
	// detaches, as ISC's does once its state machines have started (its
	// first DHCPDISCOVER line is printed before). nil: nothing.
	OnSent func()
	// OnReady is called once, when every interface has bound or timed
	// out: the moment ISC's parent process returns (SPEC §2). nil:
	// nothing.
	OnReady func()
	// Detach, in the daemon-mode child, sends the waiting parent the exit
	// status it returns with and detaches from the terminal; Main calls
	// it once. nil: in the foreground.
	Detach func(code int)
	// TuneGC applies the collector policy of memory.go (dhclient sets
	// it; a test binary keeps the runtime's default).
	TuneGC bool
	// ReleaseCode unmaps the pages of the executable's code and
	// read-only data; once every interface is ready, the daemon calls
	// it a moment after each collection (codepages.go). It returns how
	// many bytes of mappings it released. dhclient sets
	// platform.ReleaseCode; nil keeps them mapped.
	ReleaseCode func() (int, error)

	log      *slog.Logger
	start    time.Time // of Run or Leave: lease ages and DUID-LLT count from it
	host     string    // the host name at start
	confPath string    // ConfPath made absolute: reloads run from "/"
	store    *FileStore
	mgr      *Manager
	// queues run the interfaces' hooks. Run closes them once the runners
	// have ended, letting the calls queued (FAIL under -1, RELEASE) run.
	queues []*hooks.Queue
	// turn lets the interfaces' scripts run one at a time, as ISC's
	// (hooks.Turn).
	turn *hooks.Turn
	// pacer spaces the runners' starts.
	pacer StartPacer
	// announced holds the configuration-mode reasons already logged.
	announced map[string]bool
	// marked holds, for each script read, whether it is leased's
	// native-mode script (scriptMarked).
	marked map[string]bool
	// createdDUID is a DUID made at start, which ISC announces after its
	// sockets ("Created duid").
	createdDUID []byte
}

// Run is the client. It assembles the interfaces and runs them until ctx
// ends (SIGTERM: leases and addresses stay, SPEC §13), every runner has
// stopped (dhclient -x, shutdown) or one gave up under -1 (ErrGaveUp).
// Then it stops its watchers, waits for every goroutine it started and
// lets the queued hooks run. Run logs what goes wrong; its error only
// decides the exit status. Without any interface to configure it runs
// ISC's NBI script call and returns nil.
func (d *Daemon) Run(ctx context.Context) error {
	d.init()
	names := d.interfaceNames()
	if len(names) == 0 {
		d.noBroadcastInterfaces(ctx)
		return nil
	}
	d.openLeaseFile()
	defer d.closeQueues()
	defer d.flushLeases() // before the queued hooks run
	cfgs, err := d.assemble(names)
	if err != nil {
		return err
	}
	if len(cfgs) == 0 { // interface blocks only, for no device
		d.noBroadcastInterfaces(ctx)
		return nil
	}
	if d.TuneGC {
		gcStarting(len(cfgs))
	}
	d.announceSockets(cfgs)
	if d.createdDUID != nil {
		d.log.Info("Created duid " + lease.FormatDUID(d.createdDUID, d.Config.LeaseIDFormat) + ".")
	}
	d.mgr = NewManager(cfgs)
	return d.run(ctx)
}

// ExitCode is the exit status of SPEC §2 for Run's error: 2 when an
// interface gave up under -1, 1 on any other error.
func ExitCode(err error) int {
	switch {
	case errors.Is(err, ErrGaveUp):
		return 2
	case err != nil:
		return 1
	}
	return 0
}

// run runs the runners and the watchers; the watchers end with the
// runners.
func (d *Daemon) run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	ran := make(chan error, 1)
	go func() { ran <- d.mgr.Run(ctx) }()
	d.startRest(ctx, &wg)
	err := <-ran
	d.notify("STOPPING=1")
	cancel()
	wg.Wait()
	if err != nil && !errors.Is(err, ErrGaveUp) {
		d.log.Error("client stopped", "err", err)
	}
	return err
}

// startRest starts what the first message need not wait for once the
// first interface has taken its first step (Manager.Started): on a
// machine of two cores, writing the lease and pid files and opening the
// control and netlink sockets before it made the bind 13 % slower
// (README "Performance"), and so did installing the signal handlers.
func (d *Daemon) startRest(ctx context.Context, wg *sync.WaitGroup) {
	select {
	case <-d.mgr.Started():
	case <-ctx.Done():
		return
	}
	d.trap()
	// ISC rewrites the lease file at every start (reference §5.2).
	d.store.Rewrite()
	if d.OnStart != nil {
		d.OnStart()
	}
	d.startWatchers(ctx, wg)
}

// trap installs the signal handlers (Trap).
func (d *Daemon) trap() {
	if d.Trap != nil {
		d.Trap()
	}
}

// startWatchers starts, each on a goroutine of wg that ends with ctx,
// what feeds the runners besides their sockets. Each decides here, from
// the configuration loaded at start, whether it runs at all.
func (d *Daemon) startWatchers(ctx context.Context, wg *sync.WaitGroup) {
	g := d.Config.Global
	// The control socket listens before readiness can be signalled: a
	// program that runs dhclientctl (or dhclient -r) as soon as the
	// daemon-mode parent returns or READY=1 arrives finds it.
	if path := d.controlPath(); path != "" {
		if srv := d.listenControl(path); srv != nil {
			wg.Go(func() { d.serveControl(ctx, srv, path) })
		}
	}
	wg.Go(func() { d.signalSent(ctx) })
	wg.Go(func() { d.signalReady(ctx) })
	if d.System.Notify != nil {
		changed := d.statusChanges()
		wg.Go(func() { d.notifyStatus(ctx, changed) })
	}
	if d.System.Notify != nil && d.System.Watchdog > 0 {
		wg.Go(func() { d.watchdog(ctx) })
	}
	if g.LinkWatch && d.System.WatchLinks != nil {
		wg.Go(func() { d.watchLinks(ctx) })
	}
	if g.SleepWatch && d.System.WatchSleep != nil && d.configuresAny() {
		wg.Go(func() { d.watchSleep(ctx) })
	}
	if d.Hangup != nil {
		wg.Go(func() { d.reloadOnHangup(ctx) })
	}
}

// init fills in what Run and Leave share.
func (d *Daemon) init() {
	d.log = orDiscard(d.Log)
	if d.Config.LeaseIDFormatStated {
		// ISC's parser says so when it reads the statement, whatever the
		// invocation (-r and -x too), before it reads the lease file.
		d.log.Info("lease_id_format is: " + d.Config.LeaseIDFormat.String())
	}
	d.start = time.Now()
	d.host = d.hostname()
	d.turn = hooks.NewTurn()
	// Before anything detaches: the daemon leaves its directory.
	d.confPath, _ = filepath.Abs(d.ConfPath)
}

// openLeaseFile reads the lease database; what it cannot read is logged
// and skipped, as ISC does.
func (d *Daemon) openLeaseFile() {
	st := &lease.Store{Path: d.LeasePath, Catalogue: d.Config.Catalogue, Format: d.Config.LeaseFormat()}
	file, errs := st.Load(d.Config.Catalogue)
	for _, err := range errs {
		d.log.Warn(err.Error())
	}
	d.store = NewFileStore(st, file)
	d.store.Log = d.log
}

// flushLeases writes the lease changes a write put off (FileStore.Flush).
func (d *Daemon) flushLeases() {
	if err := d.store.Flush(); err != nil {
		d.log.Error("write lease file", "err", err)
	}
}

// closeQueues lets each hook queue run what it holds, and ends it.
func (d *Daemon) closeQueues() {
	for _, q := range d.queues {
		q.Close()
	}
	d.queues = nil
}

// hostname is the host's name now ("" when it cannot be read).
func (d *Daemon) hostname() string {
	if d.System.Hostname != nil {
		return d.System.Hostname()
	}
	h, _ := os.Hostname()
	return h
}
