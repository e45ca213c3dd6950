package statemachine

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// golden is one captured ISC run without a server (reference §6.1,
// isc-golden/timing): DISCOVER gaps of the first cycle, the logged
// intervals, and the gap from the last DISCOVER of the cycle to the first
// of the next one (FAIL plus the retry draw).
type golden struct {
	gaps      []float64 // seconds between DISCOVERs of the first cycle
	intervals []int64   // "interval N" of the first cycle
	restart   float64   // last DISCOVER of cycle 1 to first of cycle 2
}

func readGolden(t *testing.T, name string) golden {
	t.Helper()
	var times []float64
	f, err := os.Open("testdata/timing/" + name + "-discover-times.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, err := strconv.ParseFloat(strings.TrimSpace(sc.Text()), 64)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, v)
	}
	log, err := os.ReadFile("testdata/timing/" + name + ".log")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	first, _, _ := strings.Cut(string(log), "No DHCPOFFERS received.")
	for _, m := range regexp.MustCompile(`interval (\d+)`).FindAllStringSubmatch(first, -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		g.intervals = append(g.intervals, n)
	}
	n := len(g.intervals)
	for i := 1; i < n; i++ {
		g.gaps = append(g.gaps, times[i]-times[i-1])
	}
	g.restart = times[n] - times[n-1]
	return g
}

// simulated is the same measurement on the machine.
type simulated struct {
	gaps      []float64
	intervals []int64
	fail      float64 // first DISCOVER to FAIL
	retry     float64 // FAIL to the next DISCOVER
	restart   float64
}

var intervalRE = regexp.MustCompile(`^DHCPDISCOVER .* interval (\d+)$`)

// simulate runs the machine with no server from a start time with the
// given sub-second part until the first DISCOVER of the second cycle.
func simulate(cfg Config, frac time.Duration) simulated {
	m := New(cfg, nil)
	now := t0.Add(frac)
	var s simulated
	var sends []time.Time
	var failAt time.Time
	var armed time.Time
	var ev Event = Start{}
	for ; ; ev = (Timeout{}) {
		for _, a := range m.Step(now, ev) {
			switch a := a.(type) {
			case Send:
				sends = append(sends, now)
			case Arm:
				armed = a.At
			case RunHook:
				if a.Reason == ReasonFail {
					failAt = now
				}
			case Log:
				if mm := intervalRE.FindStringSubmatch(a.Msg); mm != nil && failAt.IsZero() {
					n, _ := strconv.ParseInt(mm[1], 10, 64)
					s.intervals = append(s.intervals, n)
				}
			}
		}
		if !failAt.IsZero() && sends[len(sends)-1].After(failAt) {
			break
		}
		now = armed
	}
	n := len(s.intervals)
	for i := 1; i < n; i++ {
		s.gaps = append(s.gaps, sends[i].Sub(sends[i-1]).Seconds())
	}
	s.fail = failAt.Sub(sends[0]).Seconds()
	s.retry = sends[n].Sub(failAt).Seconds()
	s.restart = sends[n].Sub(sends[n-1]).Seconds()
	return s
}

// span is the observed range of one quantity over many runs.
type span struct{ lo, hi float64 }

func (s *span) add(v float64) {
	if *s == (span{}) {
		*s = span{v, v}
	}
	s.lo, s.hi = min(s.lo, v), max(s.hi, v)
}

func (s span) has(v float64) bool { return v >= s.lo-0.01 && v <= s.hi+0.01 }

// TestDiscoverTiming checks, over many seeds, that ISC's captured DISCOVER
// gaps, logged intervals and retry gap fall inside what the machine
// produces, and that the machine stays inside the bounds of reference
// §6.1: first gap 3..8 s (±1 s jitter), no gap beyond cutoff*3/2 + 1,
// FAIL within 2 s after timeout, restart within the retry draw.
func TestDiscoverTiming(t *testing.T) {
	tuned := func(c *Config) {
		c.InitialInterval, c.BackoffCutoff, c.Timeout, c.Retry = time.Second, 4*time.Second, 12*time.Second, 10*time.Second
	}
	for _, tc := range []struct {
		name       string
		tune       func(*Config)
		firstGap   span
		maxGap     float64
		retry      span
		timeoutSec float64
	}{
		{"default", func(*Config) {}, span{2, 9}, 15/2 + 15 + 1, span{150 - 1, 449 + 2}, 60},
		{"tuned", tuned, span{0, 3}, 4/2 + 4 + 1, span{5 - 1, 14 + 2}, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := readGolden(t, tc.name)
			cfg := testConfig()
			tc.tune(&cfg)
			gaps := make([]span, len(g.gaps))
			ivals := make([]span, len(g.intervals))
			var restart span
			for seed := range uint64(3000) {
				cfg.Rand = seeded(seed)
				s := simulate(cfg, time.Duration(seed%1000)*time.Millisecond)
				if len(s.gaps) > 0 && !tc.firstGap.has(s.gaps[0]) {
					t.Fatalf("seed %d: first gap %.2fs outside %v", seed, s.gaps[0], tc.firstGap)
				}
				for i, v := range s.gaps {
					if v > tc.maxGap || v <= 0 {
						t.Fatalf("seed %d: gap %d is %.2fs, want (0, %v]", seed, i, v, tc.maxGap)
					}
					if i < len(gaps) {
						gaps[i].add(v)
					}
				}
				for i, v := range s.intervals {
					if i < len(ivals) {
						ivals[i].add(float64(v))
					}
				}
				if s.fail < tc.timeoutSec || s.fail > tc.timeoutSec+2 {
					t.Fatalf("seed %d: FAIL after %.2fs, want %v..%v", seed, s.fail, tc.timeoutSec, tc.timeoutSec+2)
				}
				if !tc.retry.has(s.retry) {
					t.Fatalf("seed %d: restart %.2fs after FAIL, want within %v", seed, s.retry, tc.retry)
				}
				restart.add(s.restart)
			}
			for i, v := range g.gaps {
				if !gaps[i].has(v) {
					t.Errorf("ISC gap %d = %.2fs outside simulated %v", i, v, gaps[i])
				}
			}
			for i, v := range g.intervals {
				if !ivals[i].has(float64(v)) {
					t.Errorf("ISC interval %d = %d outside simulated %v", i, v, ivals[i])
				}
			}
			if !restart.has(g.restart) {
				t.Errorf("ISC restart gap %.2fs outside simulated %v", g.restart, restart)
			}
		})
	}
}
