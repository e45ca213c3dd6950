package platform

import (
	"fmt"

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
