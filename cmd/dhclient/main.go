// Command dhclient is leased's DHCPv4 client, a drop-in replacement for
// ISC dhclient 4.4.3: same flags, configuration, script environment, lease
// file and log phrases (SPEC §2).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/leased/leased/client"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// version is printed by --version, on stderr as ISC does.
const version = "leased-dhclient 0.1 (isc-dhclient-4.4.3-P1 compatible)"

// banner opens the -v/-d output in place of ISC's four copyright lines
// and the blank line after them, as many lines, so that what follows
// stands where it stands in ISC's output (issue 11).
const banner = `leased dhclient 0.1, a drop-in for ISC DHCP Client 4.4.3-P1
DHCPv4 only; leased's own notices go to syslog (LEASED_LOG=notice: here).
Status, renew and release: dhclientctl(8).
For info, please see dhclient(8).

`

func main() {
	// leased writes no memory profile, and sampling one costs the pages of
	// its code: the kernel maps them into RSS (README "Performance").
	runtime.MemProfileRate = 0
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run executes one invocation and returns the exit code of SPEC §2:
// 0 success, 1 usage or fatal error, 2 no lease under -1.
func run(args []string, stderr io.Writer) int {
	f, err := parseFlags(args, os.Getenv)
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "%v\n%s", err, usageText)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	switch f.Action {
	case ActionVersion:
		fmt.Fprintln(stderr, version)
		return 0
	case ActionHelp:
		fmt.Fprint(stderr, usageText)
		return 0
	case ActionTest:
		return client.CheckConfig(f.ConfPath, stderr)
	}
	child := platform.IsDaemonChild()
	if f.Verbose && !child {
		fmt.Fprint(stderr, banner)
	}
	// Like ISC, problems in the file are reported and never fatal, and
	// once: the parent already reported them for its child.
	report := stderr
	if child {
		report = nil
	}
	d := &client.Daemon{Options: f.Options, TuneGC: true, ReleaseCode: platform.ReleaseCode}
	if _, err := d.LoadConfig(report); err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	switch {
	case f.Action == ActionRelease, f.Action == ActionExit:
		wire(d, f, stderr)
		d.Leave(context.Background(), leaveEvent[f.Action])
		return 0 // as ISC's, whatever went wrong
	case !f.Foreground && !child:
		return platform.StartDaemonChild(args, stderr)
	}
	wire(d, f, stderr)
	return runDaemon(d)
}

// leaveEvent is what -r and -x do to each interface (SPEC §2).
var leaveEvent = map[Action]statemachine.Event{ActionRelease: statemachine.Release{}, ActionExit: statemachine.Stop{}}
