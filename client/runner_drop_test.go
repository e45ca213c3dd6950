package client_test

import (
	"testing"
	"testing/synctest"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Messages dropped while bound leave the status alone, a dropped ACK
// included: the last ACK is still the one that bound; a wrong xid is
// dropped before the machine sees it. With forcerenew on, a bound
// runner still reads its packet socket.
func TestRunnerDroppedMessagesLeaveStatus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := startWith(t, nil, func(c *statemachine.Config) { c.ForceRenew = true })
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

// With forcerenew off a bound runner wants no message: its packet socket
// passes nothing from the ACK that binds to the renewal at T1, which has
// it listen again before the DHCPREQUEST goes out, so that the server's
// answer is read; the renewal's ACK quiets it again. The socket is the
// same throughout: muted, not closed. Turning forcerenew on (SIGHUP)
// while bound has it listen.
func TestBoundRunnerQuietsPacketSocket(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		if h.link.Receiving() {
			t.Fatal("packet socket listening while bound with forcerenew off")
		}
		before := h.runner.Status()
		h.link.DeliverRaw([]byte("malformed, if anyone read it"), fromServer)
		synctest.Wait()
		if after := h.runner.Status(); after.State != statemachine.StateBound || after.Dropped != before.Dropped {
			t.Errorf("status %v, dropped %v, after a message to a closed socket: want BOUND, %v", after.State, after.Dropped, before.Dropped)
		}

		renew := h.expect(dhcp4.Request) // T1
		if !renew.Unicast || !h.link.Receiving() {
			t.Fatalf("renewal unicast %v, packet socket listening %v: want both", renew.Unicast, h.link.Receiving())
		}
		h.link.Deliver(reply(renew.Msg(), dhcp4.Ack, 3600), fromServer)
		synctest.Wait()
		if st := h.runner.Status(); st.State != statemachine.StateBound || st.Lease.Expire.Equal(before.Lease.Expire) {
			t.Fatalf("after the renewal's ACK: %v until %v, want BOUND on the new lease", st.State, st.Lease.Expire)
		}
		if h.link.Receiving() {
			t.Error("packet socket listening again after the renewal bound")
		}

		cfg := defaultMachine(h.link.HW)
		cfg.ForceRenew = true
		if !h.runner.Reconfigure(func(string) statemachine.Config { return cfg }) {
			t.Fatal("runner refused Reconfigure")
		}
		synctest.Wait()
		if !h.link.Receiving() {
			t.Error("forcerenew turned on while bound: packet socket still quiet")
		}
		if n := h.link.BroadcastOpens(); n != 1 {
			t.Errorf("%d packet sockets opened, want the first kept throughout", n)
		}
		h.stop()
	})
}
