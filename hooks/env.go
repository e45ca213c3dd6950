// Package hooks is the dhclient-script interface (SPEC §6): it builds the
// script environment exactly as ISC dhclient 4.4.3 does (reference §3) and
// runs the script, directly and with a timeout, one call at a time per
// interface.
package hooks

import (
	"slices"
	"strconv"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Path is the PATH ISC dhclient gives every script, always last in the
// environment (reference §3.1).
const Path = "PATH=/usr/sbin:/sbin:/bin:/usr/sbin:/usr/bin"

// Call describes one script invocation.
type Call struct {
	Reason    string   // ISC's word: "BOUND", "PREINIT", "NBI" ...
	Interface string   // not exported for NBI
	PID       int      // the calling process (reference §3.1)
	DADWait   int      // --dad-wait-time, seconds
	Extra     []string // -e VAR=value, in command-line order
	// New and Old are exported as new_* and old_*; nil leaves the block
	// out. The caller decides which reasons carry which (reference §3.2:
	// REBOOT has no old_*, RELEASE/STOP/EXPIRE only old_*).
	New, Old *statemachine.Lease
	PRL      []uint8             // requested_*=1, in this order
	Alias    *statemachine.Lease // alias {} from dhclient.conf, as alias_*
	Medium   string              // medium=, when not empty
	// V6OnlyWait is V6ONLY_WAIT for V6ONLY, exported under ISC's name
	// v6-only-preferred (dashes kept: printenv reads it, sh does not).
	V6OnlyWait uint32
}

// Env returns the environment for c in ISC's execve order (reference §3.1):
// the -e variables in reverse command-line order, then dhclient's own in
// reverse creation order, then PATH. Nothing is inherited from the caller.
//
// Creation order is interface, medium, reason, pid, dad_wait_time, the old_
// block, the new_ block, requested_* (only when there is an old or new
// lease, as in every golden capture, or for V6ONLY, as ISC's
// start_v6only), v6-only-preferred, then alias_*. Options within a block
// come in the lease's order, where ISC uses its hash order; scripts cannot
// rely on either.
//
// Values that fail ISC's check_option_values are left out and reported
// through warn with ISC's message (reference §3.5); warn may be nil. For
// NBI, ISC exports only REASON (upper case) besides -e and PATH.
func Env(c Call, cat *dhcp4.Catalogue, warn func(msg string)) []string {
	if warn == nil {
		warn = func(string) {}
	}
	var vars []string // creation order
	if c.Reason == "NBI" {
		vars = append(vars, "REASON=NBI")
	} else {
		vars = append(vars, "interface="+c.Interface)
		if c.Medium != "" {
			vars = append(vars, "medium="+c.Medium)
		}
		vars = append(vars,
			"reason="+c.Reason,
			"pid="+strconv.Itoa(c.PID),
			"dad_wait_time="+strconv.Itoa(c.DADWait))
		vars = appendLease(vars, "old_", c.Old, cat, warn)
		vars = appendLease(vars, "new_", c.New, cat, warn)
		if c.Old != nil || c.New != nil || c.V6OnlyWait != 0 {
			vars = appendRequested(vars, c.PRL, cat)
		}
		if c.V6OnlyWait != 0 { // ISC start_v6only: after requested_*
			vars = append(vars, "v6-only-preferred="+strconv.FormatUint(uint64(c.V6OnlyWait), 10))
		}
		vars = appendLease(vars, "alias_", c.Alias, cat, warn)
	}
	// ISC prepends each variable to its list, the -e ones last.
	env := make([]string, 0, len(vars)+len(c.Extra)+1)
	env = append(env, vars...)
	env = append(env, c.Extra...)
	slices.Reverse(env)
	return append(env, Path)
}

// appendRequested adds requested_<name>=1 per PRL entry (ISC
// script_write_requested), in PRL order.
func appendRequested(vars []string, prl []uint8, cat *dhcp4.Catalogue) []string {
	for _, code := range prl {
		vars = append(vars, "requested_"+dhcp4.EnvName(cat.ByCode(code).Name)+"=1")
	}
	return vars
}
