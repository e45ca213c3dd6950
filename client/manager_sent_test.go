package client_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// gatedHooks holds every hook call until gate is closed.
type gatedHooks struct {
	clienttest.Hooks
	gate chan struct{}
}

func (h *gatedHooks) Run(c client.HookCall, done func(int)) {
	go func() {
		<-h.gate
		h.Hooks.Run(c, done)
	}()
}

// runSentManager runs a manager of one script-mode runner on link, its
// hooks held by gate; it returns the manager and a function ending it.
func runSentManager(t *testing.T, link *clienttest.Link, gate chan struct{}) (*client.Manager, func()) {
	cfg := defaultMachine(link.HW)
	cfg.Rand = rand.New(rand.NewPCG(1, 2))
	m := client.NewManager([]client.RunnerConfig{{Machine: cfg, Link: link, ScriptMode: true,
		Hooks: &gatedHooks{gate: gate}, Store: &clienttest.Store{}}})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	return m, func() { cancel(); <-done }
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Sent closes once the first DHCPDISCOVER went out, after PREINIT in
// script mode, where dhclient -nw detaches (ISC detaches once its state
// machines started, after its first DHCPDISCOVER line).
func TestManagerSentAfterFirstDiscover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link, gate := clienttest.NewLink("eth0"), make(chan struct{})
		m, end := runSentManager(t, link, gate)
		synctest.Wait()
		if closed(m.Sent()) {
			t.Error("Sent closed while PREINIT still runs, before any message")
		}
		close(gate)
		if d := <-link.Sent; d.Msg().Type() != dhcp4.Discover {
			t.Fatalf("first message %v, want DHCPDISCOVER", d.Msg().Type())
		}
		synctest.Wait()
		if !closed(m.Sent()) {
			t.Error("Sent still open after the first DHCPDISCOVER")
		}
		end()
	})
}

// A runner that ends without sending (its link is gone) is not waited
// for: dhclient -nw must not hang on it, nor the daemon's control socket
// (Started).
func TestManagerSentWhenRunnerEndsSilent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link, gate := clienttest.NewLink("eth0"), make(chan struct{})
		close(gate)
		link.Vanish()
		m, end := runSentManager(t, link, gate)
		synctest.Wait()
		if !closed(m.Sent()) || !closed(m.Started()) {
			t.Errorf("after the runner ended: Sent closed %v, Started closed %v; want both", closed(m.Sent()), closed(m.Started()))
		}
		if len(link.Sent) != 0 {
			t.Errorf("%d messages sent on a vanished link", len(link.Sent))
		}
		end()
	})
}

// Started closes once the first interface has taken its first step: in
// script mode while PREINIT still runs, before Sent, so that what the
// daemon starts after it does not wait for the script.
func TestManagerStartedBeforePreinitEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link, gate := clienttest.NewLink("eth0"), make(chan struct{})
		m, end := runSentManager(t, link, gate)
		synctest.Wait()
		if !closed(m.Started()) || closed(m.Sent()) {
			t.Errorf("PREINIT held: Started closed %v, Sent closed %v; want true, false", closed(m.Started()), closed(m.Sent()))
		}
		close(gate)
		end()
	})
}

// An interface stopped before it was ready never will be: readiness
// (READY=1, the daemon-mode parent's return) comes once the others are.
func TestManagerReadyWithAnInterfaceStoppedBeforeBinding(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var cfgs []client.RunnerConfig
		links := map[string]*clienttest.Link{}
		for _, name := range []string{"eth0", "eth1"} {
			link := clienttest.NewLink(name)
			links[name] = link
			cfg := defaultMachine(link.HW)
			cfg.Rand = rand.New(rand.NewPCG(1, 2))
			cfgs = append(cfgs, client.RunnerConfig{Machine: cfg, Link: link, Hooks: &clienttest.Hooks{}, Store: &clienttest.Store{}})
		}
		m := client.NewManager(cfgs)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx) }()
		eth1 := links["eth1"]
		d := <-eth1.Sent
		eth1.Deliver(reply(d.Msg(), dhcp4.Offer, 600), fromServer)
		q := <-eth1.Sent
		eth1.Deliver(reply(q.Msg(), dhcp4.Ack, 600), fromServer)
		<-links["eth0"].Sent // eth0's DISCOVER: no server answers it
		m.Send("eth0", statemachine.Stop{})
		synctest.Wait()
		if !closed(m.Ready()) {
			t.Error("not ready with eth1 bound and eth0 stopped before it bound")
		}
		cancel()
		<-done
	})
}
