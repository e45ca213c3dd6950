// Command dhclient is leased's DHCPv4 client, a drop-in replacement for
// ISC dhclient 4.4.3: same flags, configuration, script environment, lease
// file and log phrases (SPEC §2).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/leased/leased/client/config"
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
		return checkConfig(f.ConfPath, stderr)
	}
	if f.Verbose && !isChild() {
		fmt.Fprint(stderr, banner)
	}
	// Like ISC, problems in the file are reported and never fatal, and
	// once: the parent already reported them for its child.
	report := stderr
	if isChild() {
		report = nil
	}
	cfg, _, ok := loadConfig(f.ConfPath, report, stderr)
	if !ok {
		return 1
	}
	switch f.Action {
	case ActionRelease, ActionExit:
		return runRelease(f, cfg, stderr)
	}
	if !f.Foreground && !isChild() {
		return spawnChild(args, stderr)
	}
	return runDaemon(f, cfg, stderr)
}

// checkConfig is dhclient -t: report every problem, exit 1 on any error.
func checkConfig(path string, stderr io.Writer) int {
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
	_, diags, ok := loadConfig(path, stderr, stderr)
	if !ok || config.HasErrors(diags) {
		return 1
	}
	fmt.Fprintf(stderr, "%s: configuration OK\n", path)
	return 0
}

// loadConfig reads the configuration at path, rendering its problems to
// report (nil: not at all); false when it cannot be read, said on stderr.
func loadConfig(path string, report, stderr io.Writer) (*config.Config, []config.Diagnostic, bool) {
	cfg, diags, err := config.Load(path)
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return nil, nil, false
	}
	for _, d := range diags {
		if report != nil {
			fmt.Fprint(report, d.Render())
		}
	}
	return cfg, diags, true
}
