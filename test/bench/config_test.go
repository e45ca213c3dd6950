package bench

import (
	"slices"
	"testing"
)

func TestIfaceCounts(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"", []int{1, 16, 64}, true},
		{"  ", []int{1, 16, 64}, true},
		{"1000", []int{1000}, true},
		{"1, 16,256 ,1000", []int{1, 16, 256, 1000}, true},
		{"0", nil, false},
		{"1001", nil, false},
		{"16,,64", nil, false},
		{"sixteen", nil, false},
	}
	for _, tt := range tests {
		got, err := ifaceCounts(tt.in)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("ifaceCounts(%q): got %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
