package platform

import (
	"context"
	"fmt"
	"os"

	"github.com/leased/leased/platform/internal/dbus"
)

// logind's D-Bus names (org.freedesktop.login1(5)).
const (
	logindName      = "org.freedesktop.login1"
	logindPath      = "/org/freedesktop/login1"
	logindManager   = "org.freedesktop.login1.Manager"
	prepareForSleep = "PrepareForSleep"
)

// The delay inhibitor lock leased takes: logind holds a suspend back until
// every delay lock is released or InhibitDelayMaxSec (5 s by default) has
// passed (systemd's "Inhibitor Locks" documentation).
const (
	inhibitWhat = "sleep"
	inhibitWho  = "dhclient"
	inhibitWhy  = "release or pause DHCP leases before suspend"
	inhibitMode = "delay"
)

// SleepWatcher follows logind's PrepareForSleep signal on a D-Bus
// connection and holds a delay inhibitor lock while the system is awake,
// so that the daemon can pause its interfaces before a suspend (SPEC §1.4,
// §9). Create it with NewSleepWatcher, drive it with Run and end it with
// Close. It is not safe for concurrent use.
type SleepWatcher struct {
	conn      *dbus.Conn
	lock      *os.File    // the delay inhibitor; nil while none is held
	owner     string      // logind's unique bus name, as last looked up
	unbindCtx func() bool // stops the closing of conn when ctx ends
}

// WatchSleep runs a SleepWatcher on the system bus
// ($DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket) until ctx
// ends. See WatchSleepOn.
func WatchSleep(ctx context.Context, onSleep func(suspending bool)) error {
	return WatchSleepOn(ctx, "", onSleep)
}

// WatchSleepOn connects to the bus at busAddress ("" means the system
// bus), takes a delay inhibitor lock and calls onSleep(true) when logind
// announces a suspend, releasing the lock once onSleep returns, and
// onSleep(false) after the wake-up, taking a new lock. While the bus's
// socket does not exist, it waits for it to appear. It returns nil when
// ctx ends, and an error at once when the bus does not answer or logind
// is not on it, so that the daemon can log it and carry on without.
func WatchSleepOn(ctx context.Context, busAddress string, onSleep func(suspending bool)) error {
	w, err := NewSleepWatcher(ctx, busAddress)
	if err != nil {
		if ctx.Err() != nil {
			return nil // ended while waiting for the bus
		}
		return err
	}
	defer w.Close()
	return w.Run(ctx, onSleep)
}

// NewSleepWatcher connects to the bus at busAddress ("" means the system
// bus), subscribes to PrepareForSleep and takes the first delay inhibitor
// lock. The connection is closed when ctx ends or by Close. While the
// bus's socket does not exist it waits for it (awaitAnyPath); it fails
// if the bus or logind does not answer.
func NewSleepWatcher(ctx context.Context, busAddress string) (*SleepWatcher, error) {
	if paths, err := dbus.SocketPaths(busAddress); err == nil {
		if err := awaitAnyPath(ctx, paths); err != nil {
			return nil, fmt.Errorf("wait for the bus: %w", err)
		}
	}
	conn, err := dbus.Dial(ctx, busAddress)
	if err != nil {
		if busAddress == "" {
			busAddress = "system bus"
		}
		return nil, fmt.Errorf("connect to %s: %w", busAddress, err)
	}
	w := &SleepWatcher{conn: conn, unbindCtx: context.AfterFunc(ctx, func() { conn.Close() })}
	// Subscribe before taking the lock so that no announcement made after
	// the lock exists can be missed.
	err = conn.Subscribe(ctx, dbus.Match{
		Sender: logindName, Path: logindPath, Interface: logindManager, Member: prepareForSleep,
	})
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("subscribe to %s: %w", prepareForSleep, err)
	}
	if err := w.inhibit(ctx); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Run calls onSleep for each PrepareForSleep signal until ctx ends, then
// returns nil. onSleep(true) runs synchronously before the lock is
// released, so the daemon's pause completes before the system sleeps (if
// it takes longer than logind's InhibitDelayMaxSec, the suspend goes on
// regardless). Run returns an error if the bus connection is lost or no
// new lock can be taken after a wake-up; the watcher is then finished.
func (w *SleepWatcher) Run(ctx context.Context, onSleep func(suspending bool)) error {
	for {
		sig, err := w.conn.NextSignal(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("watch %s: %w", prepareForSleep, err)
		}
		suspending, ok := w.announcement(ctx, sig)
		if !ok {
			continue
		}
		if err := w.handle(ctx, suspending, onSleep); err != nil {
			return err
		}
	}
}

// handle carries out one announcement: the callback, then the lock.
func (w *SleepWatcher) handle(ctx context.Context, suspending bool, onSleep func(bool)) error {
	onSleep(suspending)
	if suspending {
		w.release()
		return nil
	}
	if w.lock != nil { // a wake-up without a suspend: the lock is still ours
		return nil
	}
	if err := w.inhibit(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// announcement returns the argument of a genuine PrepareForSleep signal.
// A signal that claims to be one but was not sent by the owner of
// org.freedesktop.login1 (a unicast signal from any local peer) is
// refused: it would let an unprivileged user pause the network.
func (w *SleepWatcher) announcement(ctx context.Context, sig *dbus.Signal) (suspending, ok bool) {
	if sig.Path != logindPath || sig.Interface != logindManager || sig.Member != prepareForSleep ||
		sig.Signature != "b" {
		return false, false
	}
	args, err := sig.Args()
	if err != nil || !w.fromLogind(ctx, sig.Sender) {
		return false, false
	}
	return args[0].(bool), true
}

// fromLogind reports whether sender is logind's unique name, looking the
// owner up again when it differs (logind may have been restarted).
func (w *SleepWatcher) fromLogind(ctx context.Context, sender string) bool {
	if sender != "" && sender == w.owner {
		return true
	}
	owner, err := w.conn.NameOwner(ctx, logindName)
	if err != nil {
		return false
	}
	w.owner = owner
	return sender == owner
}

// inhibit takes a delay inhibitor lock: logind hands out one end of a
// pipe and waits for it to be closed.
func (w *SleepWatcher) inhibit(ctx context.Context) error {
	inhibit := dbus.Method{Dest: logindName, Path: logindPath, Interface: logindManager, Member: "Inhibit"}
	lock, err := w.conn.CallFD(ctx, inhibit, "ssss", inhibitWhat, inhibitWho, inhibitWhy, inhibitMode)
	if err != nil {
		return fmt.Errorf("take %s inhibitor lock: %w", inhibitMode, err)
	}
	w.lock = lock
	return nil
}

// release closes the inhibitor lock, letting a pending suspend proceed.
func (w *SleepWatcher) release() {
	if w.lock != nil {
		w.lock.Close() // closing our end is the whole protocol; there is nothing to flush
		w.lock = nil
	}
}

// Close releases the inhibitor lock and closes the bus connection.
func (w *SleepWatcher) Close() error {
	w.release()
	w.unbindCtx()
	if err := w.conn.Close(); err != nil {
		return fmt.Errorf("close bus connection: %w", err)
	}
	return nil
}
