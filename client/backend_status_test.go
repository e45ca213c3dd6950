package client

import (
	"maps"
	"testing"

	"github.com/leased/leased/statemachine"
)

// Drop counters reach the control socket's status by class name; classes
// never seen are left out (SPEC §10).
func TestInterfaceStatusDropCounters(t *testing.T) {
	s := Status{Interface: "eth0", State: statemachine.StateSelecting}
	s.Dropped[statemachine.DropMalformed] = 3
	s.Dropped[statemachine.DropNotOurs] = 7
	got := interfaceStatus(s).Dropped
	if want := map[string]uint64{"malformed": 3, "not-ours": 7}; !maps.Equal(got, want) {
		t.Errorf("dropped %v, want %v", got, want)
	}
	if got := interfaceStatus(Status{Interface: "eth1"}).Dropped; got != nil {
		t.Errorf("no drops: dropped %v, want none", got)
	}
}

// The control socket's status carries the reported state and why the
// lease could not be configured.
func TestInterfaceStatusConfigureError(t *testing.T) {
	s := Status{Interface: "eth0", State: statemachine.StateBound, ConfigureErr: "operation not permitted"}
	is := interfaceStatus(s)
	if is.State != StateConfigureFailed || is.ConfigureError != "operation not permitted" {
		t.Errorf("state %q error %q, want %q and the error", is.State, is.ConfigureError, StateConfigureFailed)
	}
}
