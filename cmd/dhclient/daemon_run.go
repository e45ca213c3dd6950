package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/control"
	"github.com/leased/leased/hooks"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// runDaemon is the client proper: in the foreground with -d, else as the
// re-executed child that detaches once every interface is ready.
func runDaemon(f *Flags, cfg *config.Config, stderr io.Writer) int {
	det := newDetacher()
	log := newLogger(f, stderr)
	names := interfaceNames(f, cfg)
	if len(names) == 0 {
		return noBroadcastInterfaces(f, log)
	}
	env := newDaemonEnv(f, cfg, log)

	var cfgs []client.RunnerConfig
	var queues []*hooks.Queue
	for _, name := range names {
		rc, q, err := env.runnerConfig(name)
		if err != nil {
			log.Error(fmt.Sprintf("Cannot find device %q", name), "err", err)
			return 1
		}
		cfgs = append(cfgs, rc)
		queues = append(queues, q)
	}
	// ISC rewrites the lease file at every start (reference §5.2).
	if err := env.store.Save(); err != nil {
		log.Warn("write lease file", "err", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	m := client.NewManager(cfgs)
	d := &daemon{flags: f, cfg: cfg, log: log, det: det, m: m, env: env, queues: queues}
	// SIGHUP re-reads the file after the daemon has left its directory.
	d.confPath, _ = filepath.Abs(f.ConfPath)
	code := d.run(ctx)
	for _, q := range queues {
		q.Close() // let queued hooks (FAIL under -1, RELEASE) finish
	}
	if code == 2 {
		det.Detach(2)
	}
	return code
}

// daemon is one running dhclient process.
type daemon struct {
	flags *Flags
	cfg   *config.Config
	log   *slog.Logger
	det   *detacher
	m     *client.Manager
	env   *daemonEnv
	// queues run the interfaces' hooks; a pause before suspend waits for
	// them (watchSleep).
	queues []*hooks.Queue
	// confPath is -cf made absolute, for reloads.
	confPath string
}

// run starts the runners and the control socket and waits for the end.
func (d *daemon) run(ctx context.Context) int {
	if d.flags.Foreground || d.flags.NoWait {
		d.writePID()
	}
	if d.flags.NoWait {
		d.det.Detach(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: the helpers end with ctx
	defer cancel()
	backend := client.NewBackend(d.m, d.cfg.Catalogue)
	wg.Go(func() { d.serveControl(ctx, backend) })
	wg.Go(func() { d.notifyStatus(ctx, backend) })
	wg.Go(func() { d.watchdog(ctx) })
	wg.Go(func() { d.watchLinks(ctx) })
	wg.Go(func() { d.reloadOnHangup(ctx) })
	wg.Go(func() { d.watchSleep(ctx) })
	wg.Go(func() {
		select {
		case <-d.m.Ready():
			d.writePID()
			d.det.Detach(0)
			platform.Notify("READY=1")
		case <-ctx.Done():
		}
	})
	err := d.m.Run(ctx)
	platform.Notify("STOPPING=1")
	if d.flags.PIDPath != "" && !d.flags.NoPID {
		// SIGTERM removes the pid file, unlike ISC (SPEC §13).
		os.Remove(d.flags.PIDPath)
	}
	switch {
	case errors.Is(err, client.ErrGaveUp):
		return 2
	case err != nil:
		d.log.Error("client stopped", "err", err)
		return 1
	}
	return 0
}

func (d *daemon) writePID() {
	if d.flags.NoPID {
		return
	}
	if err := writePIDFile(d.flags.PIDPath); err != nil {
		d.log.Warn("write pid file", "err", err)
	}
}

// watchSleep pauses every interface before suspend, holding logind's
// delay lock until the addresses are removed, and resumes them after
// (SPEC §1.4). Without logind the daemon carries on without it.
func (d *daemon) watchSleep(ctx context.Context) {
	if !d.cfg.Global.SleepWatch {
		return
	}
	err := platform.WatchSleep(ctx, func(suspending bool) {
		if suspending {
			d.log.Info("system going to sleep; pausing")
			d.m.SendWait("", statemachine.Pause{})
			// The pause queued the STOP hooks; logind's lock is held until
			// they have run (each bounded by hook-timeout).
			for _, q := range d.queues {
				q.Flush(ctx)
			}
			return
		}
		d.log.Info("system woke up; resuming")
		d.m.Send("", statemachine.Resume{})
	})
	if err != nil {
		d.log.Debug("sleep watch unavailable", "err", err)
	}
}

// reloadOnHangup re-reads the configuration on SIGHUP and hands each
// interface its new settings; leases are kept. Settings of the platform
// side (route metric, arp-check, configure-interface) apply on restart.
func (d *daemon) reloadOnHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
		}
		cfg, diags, err := config.Load(d.confPath)
		if err != nil {
			d.log.Error("reload configuration", "err", err)
			continue
		}
		for _, diag := range diags {
			d.log.Warn(strings.TrimSpace(diag.Render()))
		}
		d.env.cfg = cfg
		for _, name := range d.m.Names() {
			hw, _, err := platform.HardwareAddr(name)
			if err != nil {
				continue
			}
			d.m.Reconfigure(name, d.env.machineConfig(name, cfg.For(name), hw))
		}
		d.log.Info("configuration reloaded", "file", d.flags.ConfPath)
	}
}

// serveControl runs the control socket (SPEC §8) until ctx ends.
func (d *daemon) serveControl(ctx context.Context, backend *client.Backend) {
	path := d.cfg.Global.ControlSocket
	if path == "" {
		path = control.SocketPath(d.flags.PIDPath)
	}
	srv, err := control.Listen(path)
	if err != nil {
		d.log.Warn("control socket", "path", path, "err", err)
		return
	}
	srv.Catalogue = d.cfg.Catalogue
	srv.Log = d.log
	if err := srv.Serve(ctx, backend); err != nil {
		d.log.Warn("control socket", "err", err)
	}
	os.Remove(path)
}

// watchLinks turns carrier changes into LinkUp/LinkDown (SPEC §4). The
// first report of each interface only records its state.
func (d *daemon) watchLinks(ctx context.Context) {
	if !d.cfg.Global.LinkWatch {
		return
	}
	ch := make(chan platform.LinkEvent, 16)
	go func() {
		if err := platform.WatchLinks(ctx, ch); err != nil {
			d.log.Warn("link watch", "err", err)
		}
	}()
	up := make(map[string]bool)
	skew := platform.BootClockSkew()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-ch:
			// Carrier changes follow a resume; an unannounced sleep shows
			// in the boot clock.
			d.checkSleep(skew)
			now := ev.Up && !ev.Gone
			was, known := up[ev.Name]
			up[ev.Name] = now
			if !known || was == now {
				continue
			}
			if now {
				d.m.Send(ev.Name, statemachine.LinkUp{})
			} else {
				d.m.Send(ev.Name, statemachine.LinkDown{})
			}
		}
	}
}

// noBroadcastInterfaces runs the NBI script call and exits, as ISC does
// when it finds nothing to configure (reference §3.2).
func noBroadcastInterfaces(f *Flags, log *slog.Logger) int {
	log.Error("No broadcast interfaces found - exiting.")
	script := f.ScriptPath
	if script == "" {
		script = defaultScript()
	}
	if script != "" {
		env := hooks.Env(hooks.Call{Reason: "NBI", Extra: f.Env}, nil, func(string) {})
		(&hooks.Runner{Log: log}).Run(context.Background(), script, env)
	}
	return 0
}
