package client_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// A runner whose daemon starts more interfaces than the pacer's burst
// sends nothing before its turn, then DISCOVERs at once.
func TestRunnerWaitsForItsStartTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var pacer client.StartPacer
		owed := spendBurst(&pacer)
		_, link, stop := runPaced(t, &pacer)
		defer stop()
		time.Sleep(owed)
		synctest.Wait()
		nothingSent(t, link, "before the runner's turn")
		// Its turn is one start after the one owed: by twice that, it has
		// sent.
		time.Sleep(owed)
		synctest.Wait()
		sentFirst(t, link, dhcp4.Discover, "once the runner's turn had come")
	})
}

// A runner whose start was paced sets its link up again at its first
// PREINIT: the link may have gone down while it waited.
func TestPacedRunnerSetsLinkUpAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var pacer client.StartPacer
		owed := spendBurst(&pacer)
		_, link, stop := runPaced(t, &pacer)
		defer stop()
		time.Sleep(2 * owed)
		synctest.Wait()
		sentFirst(t, link, dhcp4.Discover, "once the runner's turn had come")
		if got, want := link.Calls(), []string{"up", "up"}; !slices.Equal(got, want) {
			t.Errorf("link calls %v, want %v", got, want)
		}
	})
}

// A runner stopped while it waits for its turn ends without sending.
func TestRunnerStoppedBeforeItsTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var pacer client.StartPacer
		spendBurst(&pacer)
		_, link, stop := runPaced(t, &pacer)
		synctest.Wait()
		stop()
		nothingSent(t, link, "though stopped before its turn")
	})
}

// spendBurst takes starts from p until one has to wait, and returns
// that wait.
func spendBurst(p *client.StartPacer) time.Duration {
	for {
		if owed := p.Reserve(time.Now()); owed > 0 {
			return owed
		}
	}
}

// runPaced runs a runner on pacer; stop ends it and checks that Run
// returned nil.
func runPaced(t *testing.T, pacer *client.StartPacer) (*client.Runner, *clienttest.Link, func()) {
	link := clienttest.NewLink("eth0")
	cfg := defaultMachine(link.HW)
	cfg.Rand = rand.New(rand.NewPCG(1, 2))
	r := client.NewRunner(client.RunnerConfig{
		Machine: cfg, Link: link, Hooks: &clienttest.Hooks{}, Store: &clienttest.Store{}, Pacer: pacer,
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	return r, link, stop
}

// downAndPaced runs a runner on a fresh pacer, takes its link down,
// spends the pacer's burst and returns the wait of the last start taken.
func downAndPaced(t *testing.T) (*client.Runner, *clienttest.Link, time.Duration, func()) {
	var pacer client.StartPacer
	r, link, stop := runPaced(t, &pacer)
	synctest.Wait()
	<-link.Sent // the DISCOVER of the start, which had its turn at once
	r.Send(statemachine.LinkDown{})
	synctest.Wait()
	if got := r.Status().State; got != statemachine.StateLinkDown {
		t.Fatalf("state %v after LinkDown, want LINK-DOWN", got)
	}
	return r, link, spendBurst(&pacer), stop
}

// Links that come up together restart in turns: a runner whose LinkUp
// finds the pacer's burst spent sends nothing before its turn, then
// restarts at once.
func TestRunnerWaitsForItsLinkUpTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, link, owed, stop := downAndPaced(t)
		defer stop()
		r.Send(statemachine.LinkUp{})
		time.Sleep(owed)
		synctest.Wait()
		nothingSent(t, link, "before the link-up's turn")
		if got := r.Status().State; got != statemachine.StateLinkDown {
			t.Errorf("state %v while the link-up waits, want LINK-DOWN", got)
		}
		time.Sleep(owed)
		synctest.Wait()
		sentFirst(t, link, dhcp4.Discover, "once the link-up's turn had come (no lease: DISCOVER)")
	})
}

// A link that goes down again before its turn stays down.
func TestRunnerLinkDownDropsAWaitingLinkUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, link, owed, stop := downAndPaced(t)
		defer stop()
		r.Send(statemachine.LinkUp{})
		synctest.Wait()
		r.Send(statemachine.LinkDown{})
		time.Sleep(3 * owed)
		synctest.Wait()
		nothingSent(t, link, "for a link that went down again")
		if got := r.Status().State; got != statemachine.StateLinkDown {
			t.Errorf("state %v, want LINK-DOWN", got)
		}
	})
}

// nothingSent fails the test if link has sent a datagram.
func nothingSent(t *testing.T, link *clienttest.Link, when string) {
	t.Helper()
	select {
	case d := <-link.Sent:
		t.Fatalf("sent %v %s", d.Msg().Type(), when)
	default:
	}
}

// sentFirst fails the test unless link has sent a message of type want.
func sentFirst(t *testing.T, link *clienttest.Link, want dhcp4.MessageType, when string) {
	t.Helper()
	select {
	case d := <-link.Sent:
		if got := d.Msg().Type(); got != want {
			t.Fatalf("sent %v first %s, want %v", got, when, want)
		}
	default:
		t.Fatalf("nothing sent %s", when)
	}
}
