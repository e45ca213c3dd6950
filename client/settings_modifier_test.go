package client

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// TestMachineConfigModifierExpressions: the expressions of default,
// supersede, prepend and append statements reach the machine evaluated
// for the interface and the host name of its Identity, in the
// statements' order: `supersede host-name = gethostname();` keeps the
// host's own name whatever the server says; one whose expression has no
// value is left out.
func TestMachineConfigModifierExpressions(t *testing.T) {
	conf := "supersede host-name = gethostname();\n" +
		"supersede domain-name = concat(gethostname(), \".lan\");\n" +
		"prepend domain-name-servers 127.0.0.1;\n" +
		"append domain-name = concat(\" \", suffix(gethostname(), 1));\n"
	c, ds := config.Parse(strings.NewReader(conf), "modifiers.conf")
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	id := Identity{HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}, Hostname: "node7"}
	want := []statemachine.Modifier{
		{Kind: statemachine.Supersede, Code: dhcp4.OptHostName, Data: []byte("node7")},
		{Kind: statemachine.Supersede, Code: dhcp4.OptDomainName, Data: []byte("node7.lan")},
		{Kind: statemachine.Prepend, Code: dhcp4.OptDNS, Data: []byte{127, 0, 0, 1}},
		{Kind: statemachine.Append, Code: dhcp4.OptDomainName, Data: []byte(" 7")},
	}
	got := MachineConfig("eth0", c.For("eth0"), id).Modifiers
	if !slices.EqualFunc(got, want, equalModifier) {
		t.Errorf("modifiers %+v, want %+v", got, want)
	}
	id.Hostname = ""
	got = MachineConfig("eth0", c.For("eth0"), id).Modifiers
	kept := []statemachine.Modifier{want[2]}
	if !slices.EqualFunc(got, kept, equalModifier) {
		t.Errorf("without a host name: modifiers %+v, want %+v", got, kept)
	}
}

func equalModifier(a, b statemachine.Modifier) bool {
	return a.Kind == b.Kind && a.Code == b.Code && string(a.Data) == string(b.Data)
}
