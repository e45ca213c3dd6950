package client_test

import (
	"slices"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/statemachine/dhcp4"
)

// In native mode PREINIT waits while the exchange awaits the server's
// answers, and runs before the BOUND hook once they are in.
func TestNativePreinitWaitsForTheExchange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		d := h.expect(dhcp4.Discover)
		synctest.Wait()
		if got := h.hooks.Reasons(); len(got) != 0 {
			t.Errorf("hooks %v while the DISCOVER awaits its answer, want none yet", got)
		}
		h.link.Deliver(reply(d.Msg(), dhcp4.Offer, 120), fromServer)
		r := h.expect(dhcp4.Request)
		synctest.Wait()
		if got := h.hooks.Reasons(); len(got) != 0 {
			t.Errorf("hooks %v while the REQUEST awaits its answer, want none yet", got)
		}
		h.link.Deliver(reply(r.Msg(), dhcp4.Ack, 120), fromServer)
		<-h.ready
		synctest.Wait()
		if got, want := h.hooks.Reasons(), []string{"PREINIT", "BOUND"}; !slices.Equal(got, want) {
			t.Errorf("hooks %v once bound, want %v", got, want)
		}
		h.stop()
	})
}

// A server that does not answer at once holds PREINIT back no longer
// than the first retransmission.
func TestNativePreinitRunsAtFirstRetransmission(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.expect(dhcp4.Discover)
		h.expect(dhcp4.Discover)
		synctest.Wait()
		if got, want := h.hooks.Reasons(), []string{"PREINIT"}; !slices.Equal(got, want) {
			t.Errorf("hooks %v after the first retransmission, want %v", got, want)
		}
		h.stop()
	})
}

// A daemon stopped while PREINIT waits drops it, as it drops the hook
// calls queued and not started.
func TestNativePreinitDroppedOnStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.expect(dhcp4.Discover)
		h.stop()
		synctest.Wait()
		if got := h.hooks.Reasons(); len(got) != 0 {
			t.Errorf("hooks %v after a stop during the first exchange, want none", got)
		}
	})
}
