package client_test

import (
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/client"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// A lease the kernel refused (EPERM without CAP_NET_ADMIN) is reported as
// such, not as BOUND, until a later ACK configures it (SPEC §8, §10).
func TestRunnerReportsFailedConfiguration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.link.FailConfigure(syscall.EPERM)
		h.bind(120)
		st := h.runner.Status()
		if st.State != statemachine.StateBound || st.StateName() != client.StateConfigureFailed {
			t.Fatalf("state %v reported as %q, want BOUND reported as %q", st.State, st.StateName(), client.StateConfigureFailed)
		}
		if st.ConfigureErr != syscall.EPERM.Error() {
			t.Errorf("configure error %q, want %q", st.ConfigureErr, syscall.EPERM.Error())
		}
		// The machine goes on: it renews at T1, and the ACK configures again.
		h.link.FailConfigure(nil)
		renew := h.expect(dhcp4.Request)
		h.link.Deliver(reply(renew.Msg(), dhcp4.Ack, 120), fromServer)
		synctest.Wait()
		if st := h.runner.Status(); st.StateName() != "BOUND" || st.ConfigureErr != "" {
			t.Errorf("after a configured renewal: reported %q (error %q), want BOUND", st.StateName(), st.ConfigureErr)
		}
		h.stop()
	})
}

// A failed configuration reported while no lease is in use would be
// stale: the state is then the machine's own.
func TestStateNameOutsideBoundStates(t *testing.T) {
	for _, tc := range []struct {
		s    client.Status
		want string
	}{
		{client.Status{State: statemachine.StateBound}, "BOUND"},
		{client.Status{State: statemachine.StateRenewing, ConfigureErr: "no such device"}, client.StateConfigureFailed},
		{client.Status{State: statemachine.StateLinkDown, ConfigureErr: "no such device"}, client.StateConfigureFailed},
		{client.Status{State: statemachine.StateInit, ConfigureErr: "no such device"}, "INIT"},
		{client.Status{State: statemachine.StateStopped, ConfigureErr: "no such device"}, "STOPPED"},
	} {
		if got := tc.s.StateName(); got != tc.want {
			t.Errorf("%v with error %q: %q, want %q", tc.s.State, tc.s.ConfigureErr, got, tc.want)
		}
	}
}
