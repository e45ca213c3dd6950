package client_test

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/statemachine/linklocal"
)

// TestRunnerLinkLocal: with ipv4ll on and no server, FAIL is followed by
// three ARP probes for the candidate derived from the MAC, the address
// added, an announcement, the IPV4LL hook with new_* and the address in
// Status; a conflict while probing moves on to another candidate; a
// server that answers the next DISCOVER round binds, after the address
// was removed and IPV4LL ran with old_*.
func TestRunnerLinkLocal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link, ll, hooks := clienttest.NewLink("eth0"), clienttest.NewLinkLocal(), &clienttest.Hooks{}
		cfg := defaultMachine(link.HW)
		cfg.Rand = rand.New(rand.NewPCG(1, 2))
		cfg.Timeout, cfg.IPv4LL, cfg.IPv4LLRetry = 5*time.Second, true, time.Minute
		r := client.NewRunner(client.RunnerConfig{Machine: cfg, Link: link, LinkLocal: ll, Hooks: hooks})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()

		first := linklocal.Next(linklocal.Candidates(link.HW))
		if got := nextARP(t, ll); got != "probe "+first.String() {
			t.Fatalf("first ARP %q, want a probe for %v", got, first)
		}
		// Another host probes for the same address: a conflict.
		ll.Deliver(linklocal.Packet{Request: true, SenderHW: net.HardwareAddr{2, 9, 9, 9, 9, 9},
			SenderIP: netip.IPv4Unspecified(), TargetIP: first})
		synctest.Wait()
		var claimed string
		for range 3 {
			got := nextARP(t, ll)
			if got == "probe "+first.String() || !strings.HasPrefix(got, "probe 169.254.") {
				t.Fatalf("ARP after the conflict %q, want probes for a new candidate", got)
			}
			claimed = strings.TrimPrefix(got, "probe ")
		}
		if got := nextARP(t, ll); got != "announce "+claimed {
			t.Fatalf("after probing %q, want announce %s", got, claimed)
		}
		synctest.Wait()
		if got := ll.Calls(); !slices.Equal(got, []string{"add " + claimed}) {
			t.Errorf("kernel calls %v, want add %s", got, claimed)
		}
		if st := r.Status(); st.LinkLocal.String() != claimed {
			t.Errorf("status link-local %v, want %s", st.LinkLocal, claimed)
		}
		calls := hooks.Calls()
		if c := calls[len(calls)-1]; c.Reason != statemachine.ReasonIPv4LL || c.New == nil || c.New.Addr.String() != claimed ||
			c.New.Prefix().Bits() != 16 || c.Old != nil {
			t.Errorf("last hook %v new %v old %v, want IPV4LL with new %s/16", c.Reason, c.New, c.Old, claimed)
		}

		// The next DISCOVER round, a minute after FAIL, finds a server.
		for len(link.Sent) > 0 {
			<-link.Sent // the DISCOVERs of the round that failed
		}
		d := nextSent(t, link, dhcp4.Discover)
		link.Deliver(reply(d.Msg(), dhcp4.Offer, 600), fromServer)
		d = nextSent(t, link, dhcp4.Request)
		link.Deliver(reply(d.Msg(), dhcp4.Ack, 600), fromServer)
		synctest.Wait()
		if got := ll.Calls(); !slices.Equal(got, []string{"add " + claimed, "remove " + claimed}) {
			t.Errorf("kernel calls %v, want add and remove of %s", got, claimed)
		}
		reasons := hooks.Reasons()
		if n := len(reasons); n < 2 || reasons[n-2] != "IPV4LL" || reasons[n-1] != "BOUND" {
			t.Errorf("hooks %v, want IPV4LL (old) then BOUND last", reasons)
		}
		if st := r.Status(); st.LinkLocal.IsValid() || st.State != statemachine.StateBound {
			t.Errorf("status %v link-local %v, want BOUND without", st.State, st.LinkLocal)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// nextSent returns the next message of type mt the runner sends, failing
// t when none comes within ten (bubble) minutes.
func nextSent(t *testing.T, link *clienttest.Link, mt dhcp4.MessageType) clienttest.Datagram {
	t.Helper()
	limit := time.After(10 * time.Minute)
	for {
		select {
		case d := <-link.Sent:
			if d.Msg().Type() == mt {
				return d
			}
		case <-limit:
			t.Fatalf("no %v sent", mt)
		}
	}
}

// nextARP returns the next ARP packet the runner sends, failing t when
// none comes within ten (bubble) minutes.
func nextARP(t *testing.T, ll *clienttest.LinkLocal) string {
	t.Helper()
	select {
	case s := <-ll.Sent:
		return s
	case <-time.After(10 * time.Minute):
		t.Fatal("no ARP sent")
	}
	return ""
}
