// Command dhclientctl talks to running dhclient daemons through their
// control sockets (SPEC §8): it shows their interfaces and leases, the
// last DHCPACK and single options, and asks them to renew, rebind,
// release, stop, pause, resume or shut down.
//
//	dhclientctl [-s SOCKET] [-json] VERB [IFACE] [OPTION]
//
// Without -s it finds every /run/dhclient*.sock and sends each request to
// the daemon that runs the interface named, or to all of them.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/leased/leased/client/control"
)

// requestTimeout bounds one request. It is generous: a release waits for
// the RELEASE hooks to finish.
const requestTimeout = 2 * time.Minute

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit status: 0, or 1 on any
// error, after saying what went wrong on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := &cli{stdout: stdout, stderr: stderr, glob: control.DefaultGlob, loc: time.Local, timeout: requestTimeout}
	return c.main(ctx, args)
}
