package client

import (
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leased/leased/hooks"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

func TestScriptHooksEnvironment(t *testing.T) {
	lease := &statemachine.Lease{Addr: netip.MustParseAddr("10.0.0.5")}
	lease.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
	env, code := runScriptHooks(t, HookCall{Interface: "eth0", Reason: statemachine.ReasonBound, New: lease})
	if code != 3 {
		t.Errorf("exit code %d, want the script's 3", code)
	}
	for _, want := range []string{"reason=BOUND", "interface=eth0", "pid=42", "IF_METRIC=7",
		"new_ip_address=10.0.0.5", "new_subnet_mask=255.255.255.0", "requested_subnet_mask=1", "alias_ip_address=192.0.2.9"} {
		if !strings.Contains(env, want+"\n") {
			t.Errorf("environment lacks %q:\n%s", want, env)
		}
	}
}

// ISC exports the alias block to every reason but V6ONLY and the FAIL of
// a -1 run (dhclient.c start_v6only, CALL_SCRIPT_ON_ONETRY_FAIL).
func TestScriptHooksAliasLeftOut(t *testing.T) {
	for _, tt := range []struct {
		call  HookCall
		alias bool
	}{
		{HookCall{Reason: statemachine.ReasonFail}, true},
		{HookCall{Reason: statemachine.ReasonPreinit}, true},
		{HookCall{Reason: statemachine.ReasonFail, GivingUp: true}, false},
		{HookCall{Reason: statemachine.ReasonV6Only, V6OnlyWait: 1800}, false},
	} {
		tt.call.Interface = "eth0"
		env, _ := runScriptHooks(t, tt.call)
		if got := strings.Contains(env, "alias_ip_address=192.0.2.9\n"); got != tt.alias {
			t.Errorf("%v (giving up %v): alias_ip_address exported %v, want %v:\n%s", tt.call.Reason, tt.call.GivingUp, got, tt.alias, env)
		}
	}
}

// runScriptHooks runs call through ScriptHooks, with an alias block, a
// -e variable and a request list, and a script that prints its
// environment and exits 3; it returns the environment and exit code.
func runScriptHooks(t *testing.T, call HookCall) (env string, code int) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "env")
	script := filepath.Join(dir, "hook")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nenv > \""+out+"\"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	q := hooks.NewQueue(&hooks.Runner{})
	h := &ScriptHooks{
		Script: script, Catalogue: dhcp4.NewCatalogue(), PID: 42, Extra: []string{"IF_METRIC=7"},
		PRL: []uint8{dhcp4.OptSubnetMask}, Alias: &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.9")},
		Queue: q, Log: slog.New(slog.DiscardHandler),
	}
	codes := make(chan int, 1)
	h.Run(call, func(c int) { codes <- c })
	code = <-codes
	q.Close()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), code
}
