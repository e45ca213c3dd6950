package client_test

import (
	"testing"
	"testing/synctest"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Messages dropped while bound leave the status alone, a dropped ACK
// included: the last ACK is still the one that bound; a wrong xid is
// dropped before the machine sees it.
func TestRunnerDroppedMessagesLeaveStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		d := h.expect(dhcp4.Discover)
		h.link.Deliver(reply(d.Msg(), dhcp4.Offer, 3600), fromServer)
		r := h.expect(dhcp4.Request)
		ack := reply(r.Msg(), dhcp4.Ack, 3600)
		h.link.Deliver(ack, fromServer)
		<-h.ready
		synctest.Wait()
		before := h.runner.Status()

		late := reply(r.Msg(), dhcp4.Ack, 60) // same xid, another lease time
		h.link.Deliver(late, fromServer)
		nak := reply(r.Msg(), dhcp4.Nak, 0)
		h.link.Deliver(nak, fromServer)
		other := reply(r.Msg(), dhcp4.Ack, 60)
		other.XID++
		h.link.Deliver(other, fromServer)
		synctest.Wait()

		after := h.runner.Status()
		if after.State != statemachine.StateBound || after.Lease.Expire != before.Lease.Expire {
			t.Errorf("status changed: %v until %v, was %v until %v", after.State, after.Lease.Expire, before.State, before.Lease.Expire)
		}
		if got, _ := after.LastAck.LeaseTime(); got != 3600 {
			t.Errorf("last ACK has lease time %d, want the binding one's 3600", got)
		}
		dropped := after.Dropped[statemachine.DropUnexpected] + after.Dropped[statemachine.DropUnusable] - before.Dropped[statemachine.DropUnexpected] - before.Dropped[statemachine.DropUnusable]
		if dropped != 2 || after.Dropped[statemachine.DropNotOurs] != before.Dropped[statemachine.DropNotOurs]+1 {
			t.Errorf("dropped %v (before %v), want the late ACK and the NAK unexpected or unusable, the other xid not-ours", after.Dropped, before.Dropped)
		}
		h.stop()
	})
}
