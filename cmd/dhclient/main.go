// Command dhclient is leased's DHCPv4 client, a drop-in replacement for
// ISC dhclient 4.4.3: same flags, configuration, script environment, lease
// file and log phrases (SPEC §2).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// version is printed by --version, on stderr as ISC does.
const version = "leased-dhclient 0.1 (isc-dhclient-4.4.3-P1 compatible)"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run executes one invocation and returns the exit code of SPEC §2.
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
	}
	fmt.Fprintln(stderr, "dhclient: not yet able to run the client")
	return 1
}
