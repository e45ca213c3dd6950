package client_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// A runner stopped while the daemon runs others holds nothing up: it
// answers the watchdog's ping, and refuses the events sent to it.
func TestStoppedRunnerAnswersPingRefusesEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, nil)
		h.bind(600)
		if !h.runner.Send(statemachine.Stop{}) {
			t.Fatal("Stop refused by a running runner")
		}
		if err := <-h.done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if !h.runner.Ping(ctx) {
			t.Error("a stopped runner fails the watchdog's ping")
		}
		for range 20 { // a buffered channel once took it half of the time
			if h.runner.Send(statemachine.Renew{}) {
				t.Fatal("a stopped runner took a renew")
			}
		}
	})
}

// heldHooks keeps each hook call running until release is closed.
type heldHooks struct{ release chan struct{} }

func (h heldHooks) Run(_ client.HookCall, done func(int)) {
	go func() {
		<-h.release
		done(0)
	}()
}

func (heldHooks) DropPending() int { return 0 }

// In script mode the runner waits for its script, which hook-timeout
// bounds: busy, not stuck, it answers the watchdog's ping.
func TestRunnerWaitingForScriptAnswersPing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		link := clienttest.NewLink("eth0")
		cfg := defaultMachine(link.HW)
		cfg.Rand = rand.New(rand.NewPCG(1, 2))
		hooks := heldHooks{release: make(chan struct{})}
		r := client.NewRunner(client.RunnerConfig{Machine: cfg, Link: link, Hooks: hooks, ScriptMode: true})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		synctest.Wait() // in PREINIT, waiting for the script
		pctx, pcancel := context.WithTimeout(t.Context(), time.Second)
		if !r.Ping(pctx) {
			t.Error("a runner waiting for its script fails the watchdog's ping")
		}
		pcancel()
		close(hooks.release)
		cancel()
		<-done
	})
}

// The runner's status says which hook reason a step ran and what the
// link watch last told of the carrier: what watchers are sent.
func TestRunnerStatusCarriesReasonAndCarrier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var seen []client.Status
		link := clienttest.NewLink("eth0")
		cfg := defaultMachine(link.HW)
		cfg.Rand = rand.New(rand.NewPCG(1, 2))
		r := client.NewRunner(client.RunnerConfig{Machine: cfg, Link: link, Hooks: &clienttest.Hooks{},
			Store: &clienttest.Store{}, OnChange: func(s client.Status) { seen = append(seen, s) }})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx) }()
		d := <-link.Sent
		link.Deliver(reply(d.Msg(), dhcp4.Offer, 600), fromServer)
		q := <-link.Sent
		link.Deliver(reply(q.Msg(), dhcp4.Ack, 600), fromServer)
		synctest.Wait()
		r.Send(statemachine.LinkDown{})
		synctest.Wait()
		cancel()
		<-done
		var bound, down bool
		for _, s := range seen {
			bound = bound || (s.State == statemachine.StateBound && s.Reason == "BOUND")
			down = down || s.Carrier == "down"
		}
		if !bound || !down {
			t.Errorf("statuses %+v: want one BOUND with reason BOUND (%v) and carrier down (%v)", seen, bound, down)
		}
	})
}
