package platform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/godbus/dbus/v5"
)

// logind's D-Bus names (org.freedesktop.login1(5)).
const (
	logindName      = "org.freedesktop.login1"
	logindPath      = dbus.ObjectPath("/org/freedesktop/login1")
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

// errBusClosed reports that the bus connection ended while ctx was live.
var errBusClosed = errors.New("bus connection closed")

// SleepWatcher follows logind's PrepareForSleep signal on a D-Bus
// connection and holds a delay inhibitor lock while the system is awake,
// so that the daemon can pause its interfaces before a suspend (SPEC §1.4,
// §9). Create it with NewSleepWatcher, drive it with Run and end it with
// Close. It is not safe for concurrent use.
type SleepWatcher struct {
	conn    *dbus.Conn
	signals chan *dbus.Signal
	lock    *os.File // the delay inhibitor; nil while none is held
	owner   string   // logind's unique bus name, as last looked up
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
// onSleep(false) after the wake-up, taking a new lock. It returns nil when
// ctx ends, and an error at once when there is no bus or no logind on it,
// so that the daemon can log it and carry on without.
func WatchSleepOn(ctx context.Context, busAddress string, onSleep func(suspending bool)) error {
	w, err := NewSleepWatcher(ctx, busAddress)
	if err != nil {
		return err
	}
	defer w.Close()
	return w.Run(ctx, onSleep)
}

// NewSleepWatcher connects to the bus at busAddress ("" means the system
// bus), subscribes to PrepareForSleep and takes the first delay inhibitor
// lock. The connection is closed when ctx ends or by Close. It fails if
// there is no bus or logind does not answer.
func NewSleepWatcher(ctx context.Context, busAddress string) (*SleepWatcher, error) {
	conn, err := connectBus(ctx, busAddress)
	if err != nil {
		return nil, err
	}
	w := &SleepWatcher{conn: conn, signals: make(chan *dbus.Signal, 8)}
	// Subscribe before taking the lock so that no announcement made after
	// the lock exists can be missed.
	conn.Signal(w.signals)
	err = conn.AddMatchSignalContext(ctx,
		dbus.WithMatchSender(logindName),
		dbus.WithMatchObjectPath(logindPath),
		dbus.WithMatchInterface(logindManager),
		dbus.WithMatchMember(prepareForSleep))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("subscribe to %s: %w", prepareForSleep, err)
	}
	if err := w.inhibit(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return w, nil
}

// connectBus opens and authenticates a private connection; it uses the
// numeric uid for EXTERNAL authentication, so that no user database
// lookup is needed.
func connectBus(ctx context.Context, address string) (*dbus.Conn, error) {
	opts := []dbus.ConnOption{
		dbus.WithContext(ctx),
		dbus.WithAuth(dbus.AuthExternal(strconv.Itoa(os.Getuid()))),
	}
	var conn *dbus.Conn
	var err error
	if address == "" {
		conn, err = dbus.ConnectSystemBus(opts...)
		address = "system bus"
	} else {
		conn, err = dbus.Connect(address, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", address, err)
	}
	return conn, nil
}

// Run calls onSleep for each PrepareForSleep signal until ctx ends, then
// returns nil. onSleep(true) runs synchronously before the lock is
// released, so the daemon's pause completes before the system sleeps (if
// it takes longer than logind's InhibitDelayMaxSec, the suspend goes on
// regardless). Run returns an error if the bus connection is lost or no
// new lock can be taken after a wake-up; the watcher is then finished.
func (w *SleepWatcher) Run(ctx context.Context, onSleep func(suspending bool)) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-w.signals:
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("watch %s: %w", prepareForSleep, errBusClosed)
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
	if sig.Path != logindPath || sig.Name != logindManager+"."+prepareForSleep || len(sig.Body) != 1 {
		return false, false
	}
	suspending, ok = sig.Body[0].(bool)
	if !ok || !w.fromLogind(ctx, sig.Sender) {
		return false, false
	}
	return suspending, true
}

// fromLogind reports whether sender is logind's unique name, looking the
// owner up again when it differs (logind may have been restarted).
func (w *SleepWatcher) fromLogind(ctx context.Context, sender string) bool {
	if sender != "" && sender == w.owner {
		return true
	}
	var owner string
	err := w.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, logindName).Store(&owner)
	if err != nil {
		return false
	}
	w.owner = owner
	return sender == owner
}

// inhibit takes a delay inhibitor lock: logind hands out one end of a
// pipe and waits for it to be closed.
func (w *SleepWatcher) inhibit(ctx context.Context) error {
	var fd dbus.UnixFD
	err := w.conn.Object(logindName, logindPath).CallWithContext(ctx, logindManager+".Inhibit", 0,
		inhibitWhat, inhibitWho, inhibitWhy, inhibitMode).Store(&fd)
	if err != nil {
		return fmt.Errorf("take %s inhibitor lock: %w", inhibitMode, err)
	}
	w.lock = os.NewFile(uintptr(fd), "logind inhibitor")
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
	if err := w.conn.Close(); err != nil {
		return fmt.Errorf("close bus connection: %w", err)
	}
	return nil
}
