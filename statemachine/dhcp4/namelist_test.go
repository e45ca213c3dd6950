package dhcp4

import (
	"errors"
	"strings"
	"testing"
)

// bomb returns option 119 data of about n bytes: one name of four 60-byte
// labels, then compression pointers to it, each expanding to 245 bytes.
func bomb(n int) []byte {
	var d []byte
	for range 4 {
		d = append(d, 60)
		d = append(d, strings.Repeat("a", 60)...)
	}
	d = append(d, 0)
	for len(d) < n {
		d = append(d, 0xc0, 0)
	}
	return d
}

func TestDomainListCutLikeISC(t *testing.T) {
	name := strings.Repeat(strings.Repeat("a", 60)+".", 4)
	for _, tt := range []struct {
		form string
		fmt  func(*Catalogue, uint8, []byte) (string, error)
		item string // one name as written
		sep  string
	}{
		{"env", (*Catalogue).FormatEnv, name, " "},
		{"lease", (*Catalogue).FormatLease, `"` + name + `"`, ", "},
	} {
		t.Run(tt.form, func(t *testing.T) {
			d := bomb(1466) // the ACK of issue 12: 611 names
			v, err := tt.fmt(NewCatalogue(), OptDomainSearch, d)
			if !errors.Is(err, ErrCut) {
				t.Fatalf("got error %v, want ErrCut", err)
			}
			if len(v) >= maxPretty {
				t.Errorf("got %d bytes, want under %d", len(v), maxPretty)
			}
			// Whole names only, as many as fit, no separator at the end.
			n := (maxPretty - 1 + len(tt.sep)) / (len(tt.item) + len(tt.sep))
			want := strings.Repeat(tt.item+tt.sep, n-1) + tt.item
			if v != want {
				t.Errorf("got %d bytes (%.60q...), want %d names", len(v), v, n)
			}
			if !strings.Contains(err.Error(), "names left out") {
				t.Errorf("error %q does not say names were left out", err)
			}
		})
	}
}

func TestDomainListUnderLimitIsWhole(t *testing.T) {
	d := bomb(245 + 2*10) // the name and 10 pointers to it: 2.7 KB of text
	v, err := NewCatalogue().FormatEnv(OptDomainSearch, d)
	if err != nil || strings.Count(v, " ")+1 != 11 {
		t.Errorf("got %d names, error %v; want 11 and none", strings.Count(v, " ")+1, err)
	}
}

func TestDomainListPointerChainsAreBounded(t *testing.T) {
	// A name "a." at 0, then a long chain of pointers each pointing to
	// the one before it, then many pointers to the chain's end: every
	// name costs the whole chain. Without a bound this is quadratic.
	d := []byte{1, 'a', 0}
	prev := 0
	for len(d) < 30000 {
		at := len(d)
		d = append(d, 0xc0|byte(prev>>8), byte(prev))
		prev = at
	}
	for len(d) < 60000 {
		d = append(d, 0xc0|byte(prev>>8), byte(prev))
	}
	v, err := NewCatalogue().FormatEnv(OptDomainSearch, d)
	if !errors.Is(err, ErrCut) || len(v) >= maxPretty {
		t.Errorf("got %d bytes, error %v; want a cut list", len(v), err)
	}
}
