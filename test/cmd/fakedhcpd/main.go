// Command fakedhcpd runs the test suite's scriptable DHCP server
// (package fakeserver) as a plain, well-behaved server on one interface.
// make demo uses it when dnsmasq is not installed, so the demo needs
// nothing beyond Go and iproute2.
//
//	fakedhcpd -i IF [-lease 10m] [-range A-B] [-router A] [-dns A,B]
//	          [-domain NAME] [-ntp A,B] [-mtu N] [-route DST=GW,...]
//
// The server address and subnet are the interface's first IPv4 address.
// One line per message goes to stderr. SIGINT or SIGTERM stops it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakedhcpd:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseArgs(args, stderr, interfaceAddr)
	if err != nil {
		return err
	}
	return serve(ctx, cfg)
}
