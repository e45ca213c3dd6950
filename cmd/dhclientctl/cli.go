package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leased/leased/client/control"
)

// cli holds one invocation's settings and where its output goes.
type cli struct {
	stdout, stderr io.Writer
	glob           string         // where to look for daemons without -s
	loc            *time.Location // for times in tables
	socket         string         // -s
	json           bool           // -json
	timeout        time.Duration  // per request; 0: none
}

const usageText = `usage: dhclientctl [-s SOCKET] [-json] VERB [IFACE] [OPTION]

verbs:
  status [IFACE]            interfaces, states and leases
  getpacket IFACE           the last DHCPACK, decoded
  getoption IFACE OPTION    one option of the lease, such as ntp-servers
  renew [IFACE]             renew the lease now (unicast DHCPREQUEST)
  rebind [IFACE]            rebind now (broadcast DHCPREQUEST)
  release [IFACE]           DHCPRELEASE, remove the address, RELEASE hooks
  stop [IFACE]              STOP hooks, keep the lease
  pause [IFACE]             before suspend: STOP hooks, address removed, lease kept
  resume [IFACE]            after resume: confirm the kept lease (INIT-REBOOT)
  shutdown                  release every interface and end the daemon
  watch [IFACE]             print state changes as they happen

Without -s, every socket matching /run/dhclient*.sock is asked.
`

// main parses args, carries out the request and returns the exit status.
func (c *cli) main(ctx context.Context, args []string) int {
	req, err := c.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(c.stdout, usageText)
		return 0
	}
	if err == nil {
		err = c.do(ctx, req)
	}
	if err != nil {
		for line := range strings.SplitSeq(err.Error(), "\n") {
			fmt.Fprintf(c.stderr, "dhclientctl: %s\n", line)
		}
		if errors.Is(err, errUsage) {
			fmt.Fprint(c.stderr, usageText)
		}
		return 1
	}
	return 0
}

// errUsage marks command-line mistakes, which the usage text follows.
var errUsage = errors.New("usage")

// parse reads flags anywhere on the line ("status -json" as well as
// "-json status") and VERB [IFACE] [OPTION].
func (c *cli) parse(args []string) (control.Request, error) {
	fs := flag.NewFlagSet("dhclientctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.socket, "s", "", "control socket of one daemon")
	fs.BoolVar(&c.json, "json", false, "print replies as JSON")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return control.Request{}, err
			}
			return control.Request{}, fmt.Errorf("%w: %w", errUsage, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	return request(pos)
}

// request turns the positional words into a Request and checks it before
// any daemon is bothered.
func request(pos []string) (control.Request, error) {
	if len(pos) == 0 {
		return control.Request{}, fmt.Errorf("%w: no verb given", errUsage)
	}
	if len(pos) > 3 {
		return control.Request{}, fmt.Errorf("%w: too many arguments", errUsage)
	}
	req := control.Request{Verb: control.Verb(pos[0])}
	if len(pos) > 1 {
		req.Interface = pos[1]
	}
	if len(pos) > 2 {
		req.Option = pos[2]
	}
	if err := req.Validate(); err != nil {
		msg := strings.TrimPrefix(err.Error(), control.ErrBadRequest.Error()+": ")
		return control.Request{}, fmt.Errorf("%w: %s", errUsage, msg)
	}
	return req, nil
}
