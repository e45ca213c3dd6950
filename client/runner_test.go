package client_test

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

var (
	serverAddr = netip.MustParseAddr("10.0.0.1")
	clientAddr = netip.MustParseAddr("10.0.0.50")
	fromServer = netip.AddrPortFrom(serverAddr, 67)
)

// reply builds a server answer to req, as a minimal server would.
func reply(req *dhcp4.Message, t dhcp4.MessageType, lease uint32) *dhcp4.Message {
	m := &dhcp4.Message{
		Op: dhcp4.BootReply, HType: req.HType, HLen: req.HLen, XID: req.XID,
		CHAddr: req.CHAddr, YIAddr: clientAddr, SIAddr: serverAddr,
		CIAddr: netip.IPv4Unspecified(), GIAddr: netip.IPv4Unspecified(),
	}
	if t == dhcp4.Nak {
		m.YIAddr = netip.IPv4Unspecified()
	}
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(t)})
	m.Options.SetAddr(dhcp4.OptServerID, serverAddr)
	if t != dhcp4.Nak {
		m.Options.SetUint32(dhcp4.OptLeaseTime, lease)
		m.Options.SetAddr(dhcp4.OptSubnetMask, netip.MustParseAddr("255.255.255.0"))
		m.Options.SetAddr(dhcp4.OptRouter, serverAddr)
	}
	return m
}

// defaultMachine is the machine configuration that the daemon builds for
// eth0 with hardware address hw from an empty configuration file: the
// defaults of the table of settings, through the daemon's own path.
func defaultMachine(hw net.HardwareAddr) statemachine.Config {
	return client.MachineConfig("eth0", config.New().For("eth0"), client.Identity{HWAddr: hw})
}

type harness struct {
	t      *testing.T
	link   *clienttest.Link
	hooks  *clienttest.Hooks
	store  *clienttest.Store
	runner *client.Runner
	cancel context.CancelFunc
	done   chan error
	ready  chan struct{}
}

// start runs a runner with ISC's default timing on a fake link; exit
// sets the hooks' exit codes.
func start(t *testing.T, exit map[statemachine.Reason]int) *harness {
	t.Helper()
	return startWith(t, exit, nil)
}

// startWith is start with the machine's configuration changed by adjust.
func startWith(t *testing.T, exit map[statemachine.Reason]int, adjust func(*statemachine.Config)) *harness {
	t.Helper()
	h := &harness{t: t, link: clienttest.NewLink("eth0"), hooks: &clienttest.Hooks{Exit: exit},
		store: &clienttest.Store{}, done: make(chan error, 1), ready: make(chan struct{})}
	cfg := defaultMachine(h.link.HW)
	cfg.Rand = rand.New(rand.NewPCG(1, 2))
	if adjust != nil {
		adjust(&cfg)
	}
	h.runner = client.NewRunner(client.RunnerConfig{
		Machine: cfg, Link: h.link, Hooks: h.hooks, Store: h.store,
		OnReady: func() { close(h.ready) },
	})
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	go func() { h.done <- h.runner.Run(ctx) }()
	return h
}

// expect waits for the next sent message and checks its type.
func (h *harness) expect(t dhcp4.MessageType) clienttest.Datagram {
	h.t.Helper()
	select {
	case d := <-h.link.Sent:
		if got := d.Msg().Type(); got != t {
			h.t.Fatalf("sent %v, want %v", got, t)
		}
		return d
	case <-time.After(24 * time.Hour):
		h.t.Fatalf("nothing sent, want %v", t)
	}
	return clienttest.Datagram{}
}

func (h *harness) stop() {
	h.cancel()
	if err := <-h.done; err != nil {
		h.t.Fatalf("Run: %v", err)
	}
}

// bind runs DISCOVER, OFFER, REQUEST, ACK with a lease of lease seconds.
func (h *harness) bind(lease uint32) {
	h.t.Helper()
	d := h.expect(dhcp4.Discover)
	h.link.Deliver(reply(d.Msg(), dhcp4.Offer, lease), fromServer)
	r := h.expect(dhcp4.Request)
	h.link.Deliver(reply(r.Msg(), dhcp4.Ack, lease), fromServer)
	<-h.ready
	synctest.Wait()
}

func TestRunnerWholeLeaseLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(120)
		if st := h.runner.Status(); st.State != statemachine.StateBound || st.Lease.Addr != clientAddr {
			t.Fatalf("status %v %v, want BOUND %v", st.State, st.Lease, clientAddr)
		}
		// T1 (about 60 s, randomised): unicast REQUEST to the server.
		renew := h.expect(dhcp4.Request)
		if !renew.Unicast || renew.To.Addr() != serverAddr {
			t.Fatalf("renewal went to %v (unicast %v), want unicast to %v", renew.To, renew.Unicast, serverAddr)
		}
		// Server silent: retransmissions until T2, then a broadcast,
		// which the server answers: REBIND (SPEC §13). The broadcast
		// leaves from the leased address, which the client still holds
		// (RFC 2131 §4.1), as ISC's.
		var rebind clienttest.Datagram
		for rebind = h.expect(dhcp4.Request); rebind.Unicast; rebind = h.expect(dhcp4.Request) {
		}
		if rebind.Src != clientAddr || rebind.Msg().CIAddr != clientAddr {
			t.Errorf("rebinding broadcast from IP %v with ciaddr %v, want both %v", rebind.Src, rebind.Msg().CIAddr, clientAddr)
		}
		h.link.Deliver(reply(rebind.Msg(), dhcp4.Ack, 120), fromServer)
		synctest.Wait()
		// From now on nothing answers: at expiry the address is removed.
		deadline := time.Now().Add(5 * time.Minute)
		for time.Now().Before(deadline) && !slices.Contains(h.hooks.Reasons(), "EXPIRE") {
			select {
			case <-h.link.Sent:
			case <-time.After(time.Second):
			}
		}
		want := []string{"PREINIT", "BOUND", "REBIND", "EXPIRE", "PREINIT"}
		if got := h.hooks.Reasons(); !slices.Equal(got[:min(len(got), 5)], want) {
			t.Errorf("hooks %v, want prefix %v", got, want)
		}
		// Up once at start: the first PREINIT follows at once and needs no
		// second; the one after EXPIRE brings the link up again.
		if got, want := h.link.Calls(), []string{"up", "configure 10.0.0.50/24", "configure 10.0.0.50/24", "deconfigure 10.0.0.50/24", "up"}; !slices.Equal(got, want) {
			t.Errorf("link calls %v, want %v", got, want)
		}
		if len(h.store.Leases) == 0 {
			t.Error("bound lease was never persisted")
		}
		h.stop()
	})
}

func TestRunnerDeclinesWhenBoundHookFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, map[statemachine.Reason]int{statemachine.ReasonBound: 1})
		d := h.expect(dhcp4.Discover)
		h.link.Deliver(reply(d.Msg(), dhcp4.Offer, 120), fromServer)
		r := h.expect(dhcp4.Request)
		h.link.Deliver(reply(r.Msg(), dhcp4.Ack, 120), fromServer)
		h.expect(dhcp4.Decline)
		// decline-wait-time (10 s) later, DISCOVER again.
		before := time.Now()
		h.expect(dhcp4.Discover)
		if waited := time.Since(before); waited < 10*time.Second {
			t.Errorf("DISCOVER %v after DECLINE, want at least 10s", waited)
		}
		h.stop()
	})
}

func TestRunnerCountsMalformedPackets(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.expect(dhcp4.Discover)
		h.link.Deliver(&dhcp4.Message{Op: dhcp4.BootReply, XID: 99}, fromServer) // wrong xid: dropped by the machine
		h.link.DeliverRaw([]byte("not a dhcp message"), fromServer)              // does not decode
		synctest.Wait()
		got := h.runner.Status().Dropped
		if got[statemachine.DropNotOurs] != 1 || got[statemachine.DropMalformed] != 1 {
			t.Errorf("dropped %v, want one not-ours and one malformed", got)
		}
		h.stop()
	})
}

func TestRunnerReleaseSendsBeforeDeconfigure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		if !h.runner.Send(statemachine.Release{}) {
			t.Fatal("runner refused Release")
		}
		rel := h.expect(dhcp4.Release)
		if !rel.Unicast {
			t.Error("RELEASE was broadcast, want unicast to the server")
		}
		synctest.Wait()
		if got := h.hooks.Reasons(); got[len(got)-1] != "RELEASE" {
			t.Errorf("last hook %v, want RELEASE", got)
		}
		// The runner stays after a release: renew starts it again, as
		// ipconfig /release then /renew does.
		h.runner.Send(statemachine.Renew{})
		h.expect(dhcp4.Discover)
		// Stop ends it.
		h.runner.Send(statemachine.Stop{})
		if err := <-h.done; err != nil {
			t.Fatalf("Run after stop: %v", err)
		}
	})
}

func TestRunnerReconfigureKeepsLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		cfg := defaultMachine(h.link.HW)
		cfg.PRL = []uint8{dhcp4.OptSubnetMask, dhcp4.OptNTPServers}
		if !h.runner.Reconfigure(func(string) statemachine.Config { return cfg }) {
			t.Fatal("runner refused Reconfigure")
		}
		if st := h.runner.Status(); st.State != statemachine.StateBound || st.Lease == nil {
			t.Fatalf("after reconfigure: %v %v, want BOUND with the lease", st.State, st.Lease)
		}
		h.runner.Send(statemachine.Renew{})
		req := h.expect(dhcp4.Request).Msg()
		if prl, _ := req.Options.Get(dhcp4.OptParamRequest); string(prl) != string(cfg.PRL) {
			t.Errorf("renewal PRL %v, want the reloaded %v", prl, cfg.PRL)
		}
		h.stop()
	})
}

func TestRunnerReleaseOnStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &harness{t: t, link: clienttest.NewLink("eth0"), hooks: &clienttest.Hooks{},
			store: &clienttest.Store{}, done: make(chan error, 1), ready: make(chan struct{})}
		cfg := defaultMachine(h.link.HW)
		h.runner = client.NewRunner(client.RunnerConfig{
			Machine: cfg, Link: h.link, Hooks: h.hooks, Store: h.store, ReleaseOnStop: true,
			OnReady: func() { close(h.ready) },
		})
		ctx, cancel := context.WithCancel(t.Context())
		h.cancel = cancel
		go func() { h.done <- h.runner.Run(ctx) }()
		h.bind(3600)
		h.stop()
		h.expect(dhcp4.Release)
	})
}

func TestRunnerSendWaitPausesBeforeReturning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		if !h.runner.SendWait(statemachine.Pause{}) {
			t.Fatal("runner refused Pause")
		}
		// No synctest.Wait: SendWait itself guarantees the step is done.
		calls := h.link.Calls()
		if calls[len(calls)-1] != "deconfigure 10.0.0.50/24" {
			t.Errorf("link calls after SendWait %v, want the address removed", calls)
		}
		if st := h.runner.Status(); st.State != statemachine.StatePaused {
			t.Errorf("state %v, want PAUSED", st.State)
		}
		h.stop()
	})
}

func TestRunnerWaitsForVanishedInterface(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		h.link.Vanish()
		h.runner.Send(statemachine.LinkDown{})
		synctest.Wait()
		h.link.Return()
		h.rebootAfterLinkUp()
		if n := h.link.BroadcastOpens(); n != 2 {
			t.Errorf("%d packet sockets opened, want a second for the link that returned", n)
		}
		h.stop()
	})
}

// A link whose carrier goes and comes back keeps its packet socket: the
// INIT-REBOOT and its answer go through the one opened at start.
func TestRunnerKeepsSocketAcrossCarrierLoss(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(3600)
		h.runner.Send(statemachine.LinkDown{})
		synctest.Wait()
		h.rebootAfterLinkUp()
		if n := h.link.BroadcastOpens(); n != 1 {
			t.Errorf("%d packet sockets opened, want the first kept", n)
		}
		h.stop()
	})
}

// rebootAfterLinkUp sends LinkUp to a runner in LINK-DOWN and answers
// its INIT-REBOOT, a broadcast REQUEST, with an ACK: REBOOT runs.
func (h *harness) rebootAfterLinkUp() {
	h.t.Helper()
	h.runner.Send(statemachine.LinkUp{})
	r := h.expect(dhcp4.Request)
	if r.Unicast || r.Msg().CIAddr.IsValid() && !r.Msg().CIAddr.IsUnspecified() {
		h.t.Errorf("after the link came back: %v unicast=%v, want a broadcast INIT-REBOOT REQUEST", r.Msg().CIAddr, r.Unicast)
	}
	h.link.Deliver(reply(r.Msg(), dhcp4.Ack, 3600), fromServer)
	synctest.Wait()
	if got := h.hooks.Reasons(); got[len(got)-1] != "REBOOT" {
		h.t.Errorf("hooks %v, want REBOOT last", got)
	}
}

func TestRunnerKeepsReadingAfterAReadError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		d := h.expect(dhcp4.Discover)
		h.link.FailRead(syscall.ENETDOWN)
		synctest.Wait()
		h.link.Deliver(reply(d.Msg(), dhcp4.Offer, 120), fromServer)
		h.expect(dhcp4.Request)
		h.stop()
	})
}
