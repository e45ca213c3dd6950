package main

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
)

// Default paths of ISC dhclient 4.4.3 on Debian (reference §1.2).
const (
	defaultConf   = "/etc/dhcp/dhclient.conf"
	defaultLeases = "/var/lib/dhcp/dhclient.leases"
	ifNameMax     = 15 // IFNAMSIZ-1
)

// Action is what one dhclient invocation does.
type Action uint8

// Invocation actions: run the client, release (-r), exit (-x), check a
// configuration file (-t), print the version or the help.
const (
	ActionRun Action = iota
	ActionRelease
	ActionExit
	ActionTest
	ActionVersion
	ActionHelp
)

// Flags is the parsed command line of SPEC §2: what this invocation
// does, how it runs, and the daemon's Options.
type Flags struct {
	Action  Action
	Verbose bool // -v, -d
	client.Options
}

// errUsage marks command-line errors: the caller prints the usage and
// exits 1, as ISC does.
var errUsage = errors.New("usage")

// usageErr is a command-line error; errors.Is(err, errUsage) holds.
type usageErr struct{ msg string }

func (e *usageErr) Error() string        { return e.msg }
func (e *usageErr) Is(target error) bool { return target == errUsage }

// usageError returns a usage error with the offending word.
func usageError(format string, args ...any) error {
	return &usageErr{msg: fmt.Sprintf(format, args...)}
}

// v6Flags are DHCPv6 options of ISC dhclient; leased speaks DHCPv4 only.
var v6Flags = map[string]bool{
	"-6": true, "-S": true, "-N": true, "-T": true, "-P": true, "-R": true,
	"--address-prefix-len": true, "--prefix-len-hint": true, "-4o6": true,
}

// switches are the flags without a value. -4 is the default; -I only
// matters for DDNS, which leased does not do; -w keeps ISC running for
// OMAPI to add an interface, which leased has no way to do. -q (quiet) is
// the default,
// and of -d, -v and -q the last one says whether the log goes to
// standard error, as in ISC: NetworkManager runs dhclient -d -q.
var switches = map[string]func(*Flags){
	"-4": func(*Flags) {}, "-I": func(*Flags) {}, "-w": func(*Flags) {},
	"-q":        func(f *Flags) { f.Verbose = false },
	"-1":        func(f *Flags) { f.OneTry = true },
	"-d":        func(f *Flags) { f.Foreground, f.Verbose = true, true },
	"-v":        func(f *Flags) { f.Verbose = true },
	"-nw":       func(f *Flags) { f.NoWait = true },
	"-n":        func(f *Flags) { f.NoIfaces = true },
	"-i":        func(f *Flags) { f.DUID = true },
	"--no-pid":  func(f *Flags) { f.NoPID = true },
	"-r":        func(f *Flags) { f.Action = ActionRelease },
	"-x":        func(f *Flags) { f.Action = ActionExit },
	"-t":        func(f *Flags) { f.Action = ActionTest },
	"--version": func(f *Flags) { f.Action = ActionVersion },
	"-h":        func(f *Flags) { f.Action = ActionHelp },
	"--help":    func(f *Flags) { f.Action = ActionHelp },
}

// valued are the flags that take the next argument as their value.
var valued = map[string]func(f *Flags, flag, v string) error{
	"-e":                  envFlag,
	"-p":                  intFlag(1, 65535, func(f *Flags, n int) { f.Port = n }),
	"--decline-wait-time": intFlag(0, 1<<30, func(f *Flags, n int) { f.DeclineWait = time.Duration(n) * time.Second }),
	"--dad-wait-time":     intFlag(0, 1<<30, func(f *Flags, n int) { f.DADWait = n }),
	"-s":                  serverFlag,
	"-D":                  duidFlag,
	"-g":                  func(*Flags, string, string) error { return nil }, // fake relay: testing only in ISC
	"-cf":                 pathFlag(func(f *Flags) *string { return &f.ConfPath }),
	"-lf":                 pathFlag(func(f *Flags) *string { return &f.LeasePath }),
	"-pf":                 pathFlag(func(f *Flags) *string { return &f.PIDPath }),
	"-sf":                 pathFlag(func(f *Flags) *string { return &f.ScriptPath }),
	"-df":                 pathFlag(func(f *Flags) *string { return &f.DUIDPath }),
}

// parseFlags parses args (without argv[0]) by ISC's rules (reference
// §1.1): each argument is a whole word, values come in the next argument,
// other words are interface names. getenv supplies PATH_DHCLIENT_* overrides.
func parseFlags(args []string, getenv func(string) string) (*Flags, error) {
	f := &Flags{Options: client.Options{Port: 68, DeclineWait: config.Defaults().DeclineWait}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		var err error
		if set, ok := switches[a]; ok {
			set(f)
		} else if set, ok := valued[a]; ok {
			if i+1 >= len(args) {
				return nil, usageError("%s needs an argument", a)
			}
			i++
			err = set(f, a, args[i])
		} else {
			err = f.word(a)
		}
		if err != nil {
			return nil, err
		}
	}
	if f.NoIfaces && len(f.Interfaces) > 0 {
		return nil, usageError("-n cannot be combined with interface names")
	}
	return f, f.resolvePaths(getenv)
}

// word handles an argument that is no known flag: an interface name,
// unless it looks like a flag.
func (f *Flags) word(a string) error {
	switch {
	case v6Flags[a]:
		return fmt.Errorf("%s: DHCPv6 is not supported by this dhclient (DHCPv4 only)", a)
	case strings.HasPrefix(a, "-"):
		return usageError("Unknown command: %s", a)
	case len(a) > ifNameMax:
		return fmt.Errorf("%s: interface name too long (max %d)", a, ifNameMax)
	}
	f.Interfaces = append(f.Interfaces, a)
	return nil
}

// resolvePaths fills in the paths no flag gave: PATH_DHCLIENT_*, then
// ISC's defaults. The daemon works from "/", so relative paths are made
// absolute here, against the directory dhclient was started in (ISC does
// so for -lf and -sf, reference §1.1). -cf stays as given, as ISC names
// it in its messages; it is read before the daemon leaves.
func (f *Flags) resolvePaths(getenv func(string) string) error {
	f.ConfPath = pick(f.ConfPath, getenv("PATH_DHCLIENT_CONF"), defaultConf)
	f.LeasePath = pick(f.LeasePath, getenv("PATH_DHCLIENT_DB"), defaultLeases)
	f.PIDPath = pick(f.PIDPath, getenv("PATH_DHCLIENT_PID"), client.DefaultPIDPath)
	f.ScriptPath = pick(f.ScriptPath, getenv("PATH_DHCLIENT_SCRIPT"), "")
	for _, p := range []*string{&f.LeasePath, &f.PIDPath, &f.ScriptPath, &f.DUIDPath} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return fmt.Errorf("%s: %w", *p, err)
			}
			*p = abs
		}
	}
	return nil
}

// envFlag is -e VAR=value, passed to every script call.
func envFlag(f *Flags, _, v string) error {
	f.Env = append(f.Env, v) // unchecked, as ISC passes it to the script
	return nil
}

// intFlag is a number flag within lo..hi.
func intFlag(lo, hi int, set func(*Flags, int)) func(*Flags, string, string) error {
	return func(f *Flags, flag, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return usageError("%s %s: want a number from %d to %d", flag, v, lo, hi)
		}
		set(f, n)
		return nil
	}
}

// serverFlag parses -s. ISC resolves host names and falls back to the
// broadcast address when that fails; leased takes literal addresses only,
// because name resolution before the interface has an address cannot work.
func serverFlag(f *Flags, _, v string) error {
	a, err := netip.ParseAddr(v)
	if err != nil || !a.Is4() {
		return usageError("-s %s: want an IPv4 address", v)
	}
	f.Server = a
	return nil
}

// duidFlag is -D LL|LLT, which also enables the DUID client identifier
// for DHCPv4 (reference §1.2).
func duidFlag(f *Flags, _, v string) error {
	t := strings.ToUpper(v) // ISC compares with strcasecmp
	if t != "LL" && t != "LLT" {
		return usageError("-D %s: want LL or LLT", v)
	}
	f.DUIDType, f.DUID = t, true
	return nil
}

// pathFlag stores a path flag's value; resolvePaths completes it.
func pathFlag(field func(*Flags) *string) func(*Flags, string, string) error {
	return func(f *Flags, _, v string) error {
		*field(f) = v
		return nil
	}
}

// pick returns the first non-empty value.
func pick(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

const usageText = `Usage: dhclient [-4|-6] [-SNTPRI1dvrxi] [-nw] [-p <port>] [-D LL|LLT]
                [--dad-wait-time <seconds>] [--prefix-len-hint <length>]
                [--decline-wait-time <seconds>]
                [--address-prefix-len <length>]
                [-s server-addr] [-cf config-file]
                [-df duid-file] [-lf lease-file]
                [-pf pid-file] [--no-pid] [-e VAR=val]
                [-sf script-file] [interface]*
       dhclient {--version|--help|-h}
       dhclient -t [-cf config-file]     check a configuration file
leased speaks DHCPv4 only: -6, -S, -N, -T, -P, -R are not supported.
`
