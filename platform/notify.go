package platform

import (
	"fmt"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
)

// Notify sends state ("READY=1", "STATUS=...", "STOPPING=1",
// "WATCHDOG=1") to the service manager over $NOTIFY_SOCKET (sd_notify(3),
// STYLE §10). Outside systemd, with no socket named, it does nothing.
func Notify(state string) error {
	if _, err := daemon.SdNotify(false, state); err != nil {
		return fmt.Errorf("sd_notify %q: %w", state, err)
	}
	return nil
}

// WatchdogInterval returns the interval within which the service manager
// expects WATCHDOG=1 from this process ($WATCHDOG_USEC, when
// $WATCHDOG_PID is unset or names this process; sd_watchdog_enabled(3)),
// or zero when there is no watchdog or its variables are malformed.
func WatchdogInterval() time.Duration {
	d, err := daemon.SdWatchdogEnabled(false)
	if err != nil {
		return 0
	}
	return d
}
