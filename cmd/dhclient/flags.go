package main

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Default paths of ISC dhclient 4.4.3 on Debian (reference §1.2).
const (
	defaultConf   = "/etc/dhcp/dhclient.conf"
	defaultLeases = "/var/lib/dhcp/dhclient.leases"
	defaultPID    = "/run/dhclient.pid"
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

// Flags is the parsed command line of SPEC §2.
type Flags struct {
	Action      Action
	Interfaces  []string
	Foreground  bool // -d
	Verbose     bool // -v, -d
	NoWait      bool // -nw
	OneTry      bool // -1
	WaitNoIface bool // -w
	NoIfaces    bool // -n
	Env         []string
	Port        int
	Server      netip.Addr // -s; invalid = broadcast
	DUID        bool       // -i, or -D
	DUIDType    string     // -D LL|LLT
	DeclineWait time.Duration
	DADWait     int
	ConfPath    string
	LeasePath   string
	PIDPath     string
	NoPID       bool
	ScriptPath  string
	DUIDPath    string // -df
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

// parseFlags parses args (without argv[0]) by ISC's rules (reference
// §1.1): each argument is a whole word, values come in the next argument,
// other words are interface names. getenv supplies PATH_DHCLIENT_* overrides.
func parseFlags(args []string, getenv func(string) string) (*Flags, error) {
	f := &Flags{Port: 68, DeclineWait: 10 * time.Second}
	var conf, leases, pid, script string
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", usageError("%s needs an argument", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch {
		case v6Flags[a]:
			return nil, fmt.Errorf("%s: DHCPv6 is not supported by this dhclient (DHCPv4 only)", a)
		case a == "-4", a == "-I", a == "-q":
			// -4 is the default; -I only matters for DDNS, which leased
			// does not do; -q (quiet) is the default.
		case a == "-1":
			f.OneTry = true
		case a == "-d":
			f.Foreground, f.Verbose = true, true
		case a == "-v":
			f.Verbose = true
		case a == "-nw":
			f.NoWait = true
		case a == "-w":
			f.WaitNoIface = true
		case a == "-n":
			f.NoIfaces = true
		case a == "-r":
			f.Action = ActionRelease
		case a == "-x":
			f.Action = ActionExit
		case a == "-t":
			f.Action = ActionTest
		case a == "--version":
			f.Action = ActionVersion
		case a == "-h", a == "--help":
			f.Action = ActionHelp
		case a == "-i":
			f.DUID = true
		case a == "--no-pid":
			f.NoPID = true
		case a == "-e":
			var v string
			if v, err = next(); err == nil {
				if !strings.Contains(v, "=") {
					err = usageError("-e %s: want VAR=value", v)
				}
				f.Env = append(f.Env, v)
			}
		case a == "-p":
			err = intFlag(a, next, func(n int) { f.Port = n }, 1, 65535)
		case a == "--decline-wait-time":
			err = intFlag(a, next, func(n int) { f.DeclineWait = time.Duration(n) * time.Second }, 0, 1<<30)
		case a == "--dad-wait-time":
			err = intFlag(a, next, func(n int) { f.DADWait = n }, 0, 1<<30)
		case a == "-s":
			err = serverFlag(f, next)
		case a == "-D":
			if f.DUIDType, err = next(); err == nil {
				if f.DUIDType != "LL" && f.DUIDType != "LLT" {
					err = usageError("-D %s: want LL or LLT", f.DUIDType)
				}
				f.DUID = true // -D enables the DUID client id for v4 (reference §1.2)
			}
		case a == "-g":
			_, err = next() // fake relay: testing only in ISC; accepted and ignored
		case a == "-cf":
			conf, err = next()
		case a == "-lf":
			leases, err = next()
		case a == "-pf":
			pid, err = next()
		case a == "-sf":
			script, err = next()
		case a == "-df":
			f.DUIDPath, err = next()
		case strings.HasPrefix(a, "-"):
			err = usageError("Unknown command: %s", a)
		default:
			if len(a) > ifNameMax {
				return nil, fmt.Errorf("%s: interface name too long (max %d)", a, ifNameMax)
			}
			f.Interfaces = append(f.Interfaces, a)
		}
		if err != nil {
			return nil, err
		}
	}
	if f.NoIfaces && len(f.Interfaces) > 0 {
		return nil, usageError("-n cannot be combined with interface names")
	}
	f.ConfPath = pick(conf, getenv("PATH_DHCLIENT_CONF"), defaultConf)
	f.LeasePath = pick(leases, getenv("PATH_DHCLIENT_DB"), defaultLeases)
	f.PIDPath = pick(pid, getenv("PATH_DHCLIENT_PID"), defaultPID)
	f.ScriptPath = pick(script, getenv("PATH_DHCLIENT_SCRIPT"), "")
	// The daemon works from "/", so relative paths are made absolute
	// here, against the directory dhclient was started in (ISC does so
	// for -lf and -sf, reference §1.1). -cf stays as given, as ISC names
	// it in its messages; it is read before the daemon leaves.
	for _, p := range []*string{&f.LeasePath, &f.PIDPath, &f.ScriptPath, &f.DUIDPath} {
		if *p != "" {
			abs, err := filepath.Abs(*p)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", *p, err)
			}
			*p = abs
		}
	}
	return f, nil
}

func intFlag(name string, next func() (string, error), set func(int), lo, hi int) error {
	v, err := next()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return usageError("%s %s: want a number from %d to %d", name, v, lo, hi)
	}
	set(n)
	return nil
}

// serverFlag parses -s. ISC resolves host names and falls back to the
// broadcast address when that fails; leased takes literal addresses only,
// because name resolution before the interface has an address cannot work.
func serverFlag(f *Flags, next func() (string, error)) error {
	v, err := next()
	if err != nil {
		return err
	}
	a, perr := netip.ParseAddr(v)
	if perr != nil || !a.Is4() {
		return usageError("-s %s: want an IPv4 address", v)
	}
	f.Server = a
	return nil
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
