package bench

import (
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []time.Duration
		want summary[time.Duration]
	}{
		{"no samples", nil, summary[time.Duration]{}},
		{"one sample", []time.Duration{7}, summary[time.Duration]{N: 1, Median: 7, Min: 7, Max: 7}},
		{"odd count unsorted", []time.Duration{9, 1, 5}, summary[time.Duration]{N: 3, Median: 5, Min: 1, Max: 9}},
		{"even count takes the middle mean", []time.Duration{4, 10, 2, 8}, summary[time.Duration]{N: 4, Median: 6, Min: 2, Max: 10}},
		{"an outlier leaves the median", []time.Duration{3, 3, 4, 3, 900}, summary[time.Duration]{N: 5, Median: 3, Min: 3, Max: 900}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.in...)
			if got := summarize(tt.in); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("input reordered: got %v, want %v", tt.in, in)
				}
			}
		})
	}
}

func TestSummarizeFloat(t *testing.T) {
	got := summarize([]float64{1.5, 0.5})
	want := summary[float64]{N: 2, Median: 1, Min: 0.5, Max: 1.5}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		a, b time.Duration
		want float64
	}{
		{30 * time.Millisecond, 3 * time.Millisecond, 10},
		{time.Millisecond, 4 * time.Millisecond, 0.25},
		{5, 0, 0},
		{5, -1, 0},
	}
	for _, tt := range tests {
		if got := ratio(tt.a, tt.b); got != tt.want {
			t.Errorf("ratio(%v, %v): got %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
