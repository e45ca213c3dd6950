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
		conflict, err := probeFrom(t, l, Prober{Mode: mode, Rand: rand.New(rand.NewPCG(1, 1))}, t.Context(), "10.77.0.1")
		if err != nil || !conflict {
			t.Errorf("%v: got %v, %v; want a conflict for the server's address", mode, conflict, err)
		}
	}
}

func TestProbeFastNoConflict(t *testing.T) {
	l := newLab(t)
	conflict, err := probeFrom(t, l, Prober{Mode: ProbeFast}, t.Context(), "10.77.0.99")
	if err != nil || conflict {
		t.Errorf("got %v, %v; want no conflict for a free address", conflict, err)
	}
}

// The fast check's 200 ms count once, from the start of the call; the
// full probe listens ANNOUNCE_WAIT after its last packet.
func TestListenDeadline(t *testing.T) {
	start := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	lastSend := start.Add(30 * time.Millisecond)
	if got, want := listenDeadline(ProbeFast, fastWait, start, lastSend), start.Add(200*time.Millisecond); !got.Equal(want) {
		t.Errorf("fast: deadline %v, want %v", got.Sub(start), want.Sub(start))
	}
	if got, want := listenDeadline(ProbeRFC5227, announceWait, start, lastSend), lastSend.Add(2*time.Second); !got.Equal(want) {
		t.Errorf("rfc5227: deadline %v, want %v", got.Sub(start), want.Sub(start))
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
