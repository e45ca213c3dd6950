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
	dir := t.TempDir()
	out := filepath.Join(dir, "env")
	script := filepath.Join(dir, "hook")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nenv > \""+out+"\"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	alias := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.9")}
	lease := &statemachine.Lease{Addr: netip.MustParseAddr("10.0.0.5")}
	lease.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
	q := hooks.NewQueue(&hooks.Runner{})
	h := &ScriptHooks{
		Script: script, Catalogue: dhcp4.NewCatalogue(), PID: 42, Extra: []string{"IF_METRIC=7"},
		PRL: []uint8{dhcp4.OptSubnetMask}, Alias: alias, Queue: q, Log: slog.New(slog.DiscardHandler),
	}
	codes := make(chan int, 1)
	h.Run(HookCall{Interface: "eth0", Reason: statemachine.ReasonBound, New: lease}, func(c int) { codes <- c })
	if code := <-codes; code != 3 {
		t.Errorf("exit code %d, want the script's 3", code)
	}
	q.Close()
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := string(b)
	for _, want := range []string{"reason=BOUND", "interface=eth0", "pid=42", "IF_METRIC=7",
		"new_ip_address=10.0.0.5", "new_subnet_mask=255.255.255.0", "requested_subnet_mask=1", "alias_ip_address=192.0.2.9"} {
		if !strings.Contains(env, want+"\n") {
			t.Errorf("environment lacks %q:\n%s", want, env)
		}
	}
}
