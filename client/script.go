package client

import (
	"log/slog"

	"github.com/leased/leased/hooks"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// ScriptHooks runs the dhclient-script for one interface through a
// serial queue, so a slow script never blocks the runner (SPEC §6.5).
type ScriptHooks struct {
	Script    string
	Catalogue *dhcp4.Catalogue
	PID       int
	DADWait   int
	Extra     []string // -e VAR=value, command-line order
	PRL       []uint8
	Alias     *statemachine.Lease // alias { } block, exported as alias_*
	Queue     *hooks.Queue
	Log       *slog.Logger
}

var _ Hooks = (*ScriptHooks)(nil)

// Run builds the environment and queues the call. Without a script the
// call succeeds at once. Once the queue is closed (the daemon is
// stopping) the call is dropped and done is never called.
func (h *ScriptHooks) Run(c HookCall, done func(exitCode int)) {
	env := hooks.Env(hooks.Call{
		Reason: c.Reason.String(), Interface: c.Interface, PID: h.PID, DADWait: h.DADWait,
		Extra: h.Extra, New: c.New, Old: c.Old, PRL: h.PRL, Alias: h.alias(c), V6OnlyWait: c.V6OnlyWait,
	}, h.Catalogue, func(msg string) { h.Log.Error(msg) })
	report := func(res hooks.Result) {
		if done != nil {
			done(res.ExitCode)
		}
	}
	if h.Script == "" {
		report(hooks.Result{})
		return
	}
	if !h.Queue.Submit(h.Script, env, report) {
		h.Log.Warn("daemon stopping, hook not run", "reason", c.Reason)
	}
}

// alias is the alias block exported with c: none for V6ONLY and for the
// FAIL of a -1 run, as ISC exports none there (dhclient.c start_v6only,
// state_selecting under CALL_SCRIPT_ON_ONETRY_FAIL).
func (h *ScriptHooks) alias(c HookCall) *statemachine.Lease {
	if c.GivingUp || c.Reason == statemachine.ReasonV6Only {
		return nil
	}
	return h.Alias
}

// DropPending drops the calls that have not started and ends the running
// one (SIGTERM); it returns how many it dropped.
func (h *ScriptHooks) DropPending() int { return h.Queue.DropPending() }
