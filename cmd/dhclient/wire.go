package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// newDaemon plugs platform into the client's daemon.
func newDaemon(f *Flags, cfg *config.Config, log *slog.Logger) *client.Daemon {
	sys := client.System{
		OpenLink:     openLink,
		HardwareAddr: hardwareAddr,
		WatchLinks:   platform.WatchCarrier,
		WatchSleep:   platform.WatchSleep,
		SleptFor:     platform.BootClockSkew(),
		ProcessAlive: platform.ProcessAlive,
	}
	if os.Getenv("NOTIFY_SOCKET") != "" {
		sys.Notify = platform.Notify
		sys.Watchdog = platform.WatchdogInterval()
	}
	return &client.Daemon{Options: f.Options, Config: cfg, System: sys, Log: log}
}

func hardwareAddr(name string) (net.HardwareAddr, error) {
	hw, _, err := platform.HardwareAddr(name)
	return hw, err
}

// runDaemon is the client proper: in the foreground with -d, else as the
// re-executed child, which detaches once every interface is ready.
func runDaemon(f *Flags, cfg *config.Config, stderr io.Writer) int {
	gcStarting()
	det := newDetacher()
	log := newLogger(f, stderr)
	pid := &pidFile{path: f.PIDPath, log: log}
	if f.NoPID {
		pid.path = ""
	}
	d := newDaemon(f, cfg, log)
	d.OnStart = func() {
		if f.Foreground || f.NoWait {
			pid.write()
		}
		if f.NoWait {
			det.Detach(0)
		}
	}
	d.OnReady = func() {
		pid.write()
		det.Detach(0)
		gcReady()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	d.Hangup = hup
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	code := exitCode(d.Run(ctx))
	pid.remove()
	// A child that ends before it detached hands the parent its exit
	// code, as ISC's finish() does (reference §1.3): 2 under -1, 0 when
	// there was no interface (NBI).
	det.Detach(code)
	return code
}

// exitCode is the exit status of SPEC §2 for Run's error.
func exitCode(err error) int {
	switch {
	case errors.Is(err, client.ErrGaveUp):
		return 2
	case err != nil:
		return 1
	}
	return 0
}

// runRelease is dhclient -r and -x (SPEC §2); it always succeeds, as
// ISC's.
func runRelease(f *Flags, cfg *config.Config, stderr io.Writer) int {
	var ev statemachine.Event = statemachine.Stop{}
	if f.Action == ActionRelease {
		ev = statemachine.Release{}
	}
	newDaemon(f, cfg, newLogger(f, stderr)).Leave(context.Background(), ev)
	return 0
}
