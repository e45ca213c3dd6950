package client

import (
	"net/netip"
	"time"
)

// DefaultPIDPath is ISC dhclient's pid file on Debian (reference §1.2),
// for -pf and PATH_DHCLIENT_PID unset.
const DefaultPIDPath = "/run/dhclient.pid"

// Options is what one dhclient invocation asks of the daemon: the
// command line of SPEC §2 once ISC's parsing rules and the
// PATH_DHCLIENT_* overrides have been applied. Paths are absolute, since
// the daemon works from "/", except ConfPath, which ISC names as given.
type Options struct {
	Interfaces  []string      // named on the command line
	NoIfaces    bool          // -n: only the interfaces of the configuration
	OneTry      bool          // -1: give up after the first cycle
	Env         []string      // -e VAR=value, in command-line order
	Port        int           // -p: the client's port (0: 68); the server's is one below
	Server      netip.Addr    // -s: where broadcasts go; invalid: broadcast
	DUID        bool          // -i or -D: an RFC 4361 client identifier
	DUIDType    string        // -D LL|LLT; LLT when empty
	DUIDPath    string        // -df: a lease file to take the DUID from
	DeclineWait time.Duration // --decline-wait-time
	DADWait     int           // --dad-wait-time, seconds, for the script
	ConfPath    string        // -cf: read again on SIGHUP
	LeasePath   string        // -lf
	PIDPath     string        // -pf: names the control socket too (controlPath)
	NoPID       bool          // --no-pid
	Foreground  bool          // -d: the pid file is written at start
	NoWait      bool          // -nw: detach once each interface has sent, not once ready
	ScriptPath  string        // -sf; "": leased's own, next to the binary or installed
}
