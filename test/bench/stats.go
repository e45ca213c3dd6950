package bench

import (
	"slices"
	"time"
)

// number is what summaries are taken of: durations, byte counts, rates.
type number interface {
	~int64 | ~float64
}

// summary is the median, minimum and maximum of a set of samples. STYLE
// asks for medians: one slow run (a page fault storm, a busy neighbour)
// moves the mean but not the median.
type summary[T number] struct {
	N                int
	Median, Min, Max T
}

// summarize returns the summary of xs; the median of an even count is the
// mean of the two middle samples. xs is not modified. The summary of no
// samples is the zero summary.
func summarize[T number](xs []T) summary[T] {
	if len(xs) == 0 {
		return summary[T]{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = s[n/2-1] + (s[n/2]-s[n/2-1])/2
	}
	return summary[T]{N: n, Median: med, Min: s[0], Max: s[n-1]}
}

// ratio is a/b, the factor by which a peer is slower than leased; 0 when
// b is not positive, for which no ratio means anything.
func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ms is d in milliseconds, the unit of every reported time.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
