package main

import (
	"context"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/leased/leased/client"
	"github.com/leased/leased/hooks"
	"github.com/leased/leased/platform"
)

// wire plugs platform into the daemon, and its log into stderr, into
// syslog (facility daemon) when a syslog daemon listens, and into
// LEASED_LOG's choice (client.NewLogger).
func wire(d *client.Daemon, f *Flags, stderr io.Writer) {
	var sys io.Writer
	if w, err := platform.DialSyslog(filepath.Base(os.Args[0])); err == nil {
		sys = w
	}
	d.Log = client.NewLogger(stderr, sys, f.Verbose, os.Getenv("LEASED_LOG"))
	d.System = client.System{
		OpenLink:     openLink,
		HardwareAddr: hardwareAddr,
		WatchLinks:   platform.WatchCarrier,
		WatchSleep:   platform.WatchSleep,
		SleptFor:     platform.BootClockSkew(),
		ProcessAlive: platform.ProcessAlive,
	}
	if os.Getenv("NOTIFY_SOCKET") != "" {
		d.System.Notify = platform.Notify
		d.System.Watchdog = platform.WatchdogInterval()
	}
}

func hardwareAddr(name string) (net.HardwareAddr, error) {
	hw, _, err := platform.HardwareAddr(name)
	return hw, err
}

// runDaemon is the client proper: in the foreground with -d, else as the
// daemon-mode child, which detaches once every interface is ready.
func runDaemon(d *client.Daemon) int {
	// The thread that forks hooks copies the file table once, before the
	// interfaces' sockets open if it can, and off the way to the first
	// DISCOVER (hooks.StartSpawner).
	go func() {
		if err := hooks.StartSpawner(); err != nil {
			d.Log.Debug("hooks fork from the daemon's own file table", "err", err)
		}
	}()
	hup, term := make(chan os.Signal, 1), make(chan os.Signal, 1)
	defer signal.Stop(hup)
	defer signal.Stop(term)
	d.Hangup = hup
	d.Trap = func() {
		signal.Notify(hup, syscall.SIGHUP)
		signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	}
	d.Detach = platform.ChildDetacher().Detach // nil in the foreground: does nothing
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		select {
		case <-term:
			stop()
		case <-ctx.Done():
		}
	}()
	return d.Main(ctx)
}
