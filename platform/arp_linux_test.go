package platform

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

// probeFrom runs a probe in the lab's client namespace.
func probeFrom(t *testing.T, l *lab, p Prober, ctx context.Context, addr string) (bool, error) {
	t.Helper()
	var conflict bool
	err := <-l.client.goDo(func() (err error) {
		conflict, err = p.Probe(ctx, l.clientLink, netip.MustParseAddr(addr))
		return err
	})
	return conflict, err
}

// The server's kernel answers probes for its own address (RFC 5227
// §2.1.1 asks hosts to), which is the conflict the probe must find.
func TestProbeFindsConflict(t *testing.T) {
	l := newLab(t)
	for _, mode := range []ProbeMode{ProbeFast, ProbeRFC5227} {
		start := time.Now()
		conflict, err := probeFrom(t, l, Prober{Mode: mode, Rand: rand.New(rand.NewPCG(1, 1))}, t.Context(), "10.77.0.1")
		if err != nil || !conflict {
			t.Errorf("%v: got %v, %v; want a conflict for the server's address", mode, conflict, err)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("%v: took %v; want a return at the first answer", mode, d)
		}
	}
}

func TestProbeFastNoConflict(t *testing.T) {
	l := newLab(t)
	start := time.Now()
	conflict, err := probeFrom(t, l, Prober{Mode: ProbeFast}, t.Context(), "10.77.0.99")
	if err != nil || conflict {
		t.Errorf("got %v, %v; want no conflict for a free address", conflict, err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("returned after %v, before the 200 ms wait", d)
	}
}

func TestProbeOffSendsNothing(t *testing.T) {
	// No namespace needed: ProbeOff must not even look the link up.
	conflict, err := Probe(t.Context(), "nosuchlink0", netip.MustParseAddr("10.77.0.1"), ProbeOff)
	if err != nil || conflict {
		t.Errorf("got %v, %v; want false, nil", conflict, err)
	}
}

func TestProbeCancelled(t *testing.T) {
	l := newLab(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	// With this seed the first probe waits longer than the context lives.
	r := rand.New(rand.NewPCG(3, 4))
	if gaps, _ := probeSchedule(ProbeRFC5227, rand.New(rand.NewPCG(3, 4))); gaps[0] < 100*time.Millisecond {
		t.Fatalf("seed gives a first delay of %v; pick another", gaps[0])
	}
	_, err := probeFrom(t, l, Prober{Mode: ProbeRFC5227, Rand: r}, ctx, "10.77.0.99")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
}
