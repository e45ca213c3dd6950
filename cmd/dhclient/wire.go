package main

import (
	"context"
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
	pid := &client.PIDFile{Path: f.PIDPath, Log: log}
	if f.NoPID {
		pid.Path = ""
	}
	d := newDaemon(f, cfg, log)
	d.OnStart = func() {
		if f.Foreground || f.NoWait {
			pid.Write()
		}
	}
	d.OnSent = func() {
		if f.NoWait {
			det.Detach(0)
		}
	}
	d.OnReady = func() {
		pid.Write()
		det.Detach(0)
		gcReady()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	d.Hangup = hup
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	code := client.ExitCode(d.Run(ctx))
	pid.Remove()
	// A child that ends before it detached hands the parent its exit
	// code, as ISC's finish() does (reference §1.3): 2 under -1, 0 when
	// there was no interface (NBI).
	det.Detach(code)
	return code
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
