package hooks

import (
	"slices"
	"strings"
	"testing"
)

func TestFitEnv(t *testing.T) {
	big := func(name string, n int) string { return name + "=" + strings.Repeat("x", n) }
	tests := []struct {
		name        string
		env         []string
		limit       int
		wantDropped []string
	}{
		{"fits", []string{"reason=BOUND", big("new_a", 100), Path}, 1 << 20, nil},
		{"one string over MAX_ARG_STRLEN", []string{"reason=BOUND", big("new_a", maxArgStrlen), Path}, 1 << 20, []string{"new_a"}},
		{"largest lease variables go first", []string{
			"reason=BOUND", big("old_a", 30000), big("new_b", 40000), big("new_c", 20000), big("alias_d", 10), Path,
		}, 45000, []string{"new_b", "old_a"}},
		{"only lease variables go", []string{big("x", 50000), "reason=BOUND", big("new_a", 10), Path}, 1000, []string{"new_a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, dropped := fitEnv("/hook", tt.env, tt.limit)
			if !slices.Equal(dropped, tt.wantDropped) {
				t.Errorf("dropped %q, want %q", dropped, tt.wantDropped)
			}
			// What is kept keeps its order.
			want := slices.DeleteFunc(slices.Clone(tt.env), func(kv string) bool {
				name, _, _ := strings.Cut(kv, "=")
				return slices.Contains(tt.wantDropped, name)
			})
			if !slices.Equal(kept, want) {
				t.Errorf("kept %d variables, want %d in order", len(kept), len(want))
			}
		})
	}
}

func TestArgSpace(t *testing.T) {
	for _, tt := range []struct {
		stack uint64
		want  int
	}{
		{0, maxArgSpace},
		{8 << 20, 2 << 20},     // the usual 8 MiB stack
		{256 << 10, 128 << 10}, // never under ARG_MAX
		{1 << 30, maxArgSpace},
	} {
		if got := argSpace(tt.stack); got != tt.want {
			t.Errorf("argSpace(%d) = %d, want %d", tt.stack, got, tt.want)
		}
	}
}
