package client

import (
	"context"
	"net"
	"time"

	"github.com/leased/leased/client/config"
)

// System is what a Daemon needs from the operating system besides the
// sockets and addresses of each interface (Link). client never imports
// platform: cmd fills these fields from it, and tests with fakes. Each
// nil field says what the daemon does without it.
type System struct {
	// OpenLink returns the kernel side of one interface. Required.
	OpenLink func(LinkSpec) Link
	// HardwareAddr returns an interface's link-layer address, or an error
	// when there is no such interface ("Cannot find device"). Required.
	HardwareAddr func(name string) (net.HardwareAddr, error)
	// Interfaces lists the host's interfaces, from which the daemon picks
	// the broadcast ones when none is named. nil: net.Interfaces.
	Interfaces func() ([]net.Interface, error)
	// Hostname returns the host's name now. nil: os.Hostname.
	Hostname func() string
	// WatchLinks reports whether each interface can carry traffic (a
	// removed one cannot), first for every interface, then at each
	// change, calling report on the calling goroutine, until ctx ends (nil)
	// or the subscription fails (the error). Called again, it starts over
	// with the full list. nil: no link watch.
	WatchLinks func(ctx context.Context, report func(name string, up bool)) error
	// WatchSleep calls onSleep(true) when a suspend is announced,
	// holding the suspend back until onSleep returns, and onSleep(false)
	// after the wake-up, until ctx ends (nil) or it fails (the error).
	// nil: no sleep watch.
	WatchSleep func(ctx context.Context, onSleep func(suspending bool)) error
	// SleptFor returns how long the system was suspended since it was
	// last called: the boot clock's lead over the monotonic clock
	// (ARCHITECTURE "Time across suspend"). nil: never asleep.
	SleptFor func() time.Duration
	// Notify sends a state line to the service manager (sd_notify).
	// nil: not run by systemd.
	Notify func(state string) error
	// Watchdog is the interval systemd expects keep-alives within
	// (WATCHDOG_USEC for this process); zero: no watchdog.
	Watchdog time.Duration
	// ProcessAlive reports whether a process runs (a zombie does not):
	// dhclient -r and -x wait for the daemon they stopped. nil: never
	// waits.
	ProcessAlive func(pid int) bool
}

// LinkSpec is what the daemon decided about one interface's kernel side.
type LinkSpec struct {
	Name string
	// Port is the client's UDP port (-p).
	Port int
	// CHAddr is the hardware address the machine's messages carry, which
	// a packet socket may match in the kernel.
	CHAddr net.HardwareAddr
	// Settings holds the interface's configuration: routes, MTU,
	// arp-check.
	Settings config.Settings
	// Metric is the route metric: route-metric, or else IF_METRIC from
	// -e, which Debian's script reads the same way.
	Metric int
}
