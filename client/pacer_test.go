package client

import (
	"testing"
	"time"
)

func TestStartPacerBurstThenRate(t *testing.T) {
	var p StartPacer
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for i := range startBurst {
		if d := p.Reserve(t0); d != 0 {
			t.Fatalf("start %d of the burst waits %v", i+1, d)
		}
	}
	step := time.Second / startRate
	for i := 1; i <= 3; i++ {
		if d, want := p.Reserve(t0), time.Duration(i)*step; d != want {
			t.Errorf("start %d beyond the burst waits %v, want %v", i, d, want)
		}
	}
}

func TestStartPacerThousandInterfaces(t *testing.T) {
	var p StartPacer
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	var last time.Duration
	for range 1000 {
		last = p.Reserve(t0)
	}
	if want := time.Duration(1000-startBurst) * time.Second / startRate; last != want {
		t.Errorf("the 1000th start waits %v, want %v", last, want)
	}
}

func TestStartPacerRefills(t *testing.T) {
	var p StartPacer
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for range startBurst + 10 {
		p.Reserve(t0)
	}
	// Owing 10 starts, the bucket is full again after (10+64)/rate.
	later := t0.Add(time.Duration(10+startBurst) * time.Second / startRate)
	for i := range startBurst {
		if d := p.Reserve(later); d != 0 {
			t.Fatalf("start %d after the refill waits %v", i+1, d)
		}
	}
	if d := p.Reserve(later); d == 0 {
		t.Error("the refilled bucket held more than the burst")
	}
	// A start long after holds nobody back, and time running backwards
	// (a caller's stale clock) takes nothing extra.
	much := later.Add(time.Hour)
	if d := p.Reserve(much); d != 0 {
		t.Errorf("a start an hour later waits %v", d)
	}
	if d := p.Reserve(much.Add(-time.Minute)); d != 0 {
		t.Errorf("a start with an earlier clock waits %v", d)
	}
}
