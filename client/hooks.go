package client

import "github.com/leased/leased/statemachine"

// HookCall is one invocation of the dhclient-script.
type HookCall struct {
	Interface string
	Reason    statemachine.Reason
	New, Old  *statemachine.Lease
	// V6OnlyWait is V6ONLY_WAIT in seconds for V6ONLY (RFC 8925).
	V6OnlyWait uint32
	// GivingUp is the FAIL of a -1 run (statemachine.RunHook.GivingUp).
	GivingUp bool
}

// Hooks runs the script for hook calls. Run must not block the caller for
// long: it queues the call and reports the exit code through done, which
// may be called from another goroutine. done may be nil.
type Hooks interface {
	Run(c HookCall, done func(exitCode int))
	// DropPending drops the calls queued and not started, ends the
	// running one and returns how many it dropped: the daemon was told to
	// stop (SIGTERM), and ISC dhclient, which runs its script inline, has
	// no backlog to finish.
	DropPending() int
}
