package lease

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// FuzzLeaseFile checks that any input parses without panicking, that what
// was read writes back as text that reads again without errors, that
// writing is stable: write(parse(write(x))) == write(x), and that
// collapsing duplicate blocks on Write changes no interface's active
// lease or alternatives.
func FuzzLeaseFile(f *testing.F) {
	f.Add([]byte(goodBlock))
	cat := testCatalogue(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, _ := Parse(bytes.NewReader(data), "fuzz", cat)
		for _, format := range []Format{{}, {Time: TimeLocal, ID: IDHex}} {
			var w1 bytes.Buffer
			if err := write(&w1, file, cat, format, time.UTC); err != nil {
				t.Fatal(err)
			}
			again, errs := Parse(bytes.NewReader(w1.Bytes()), "again", cat)
			if len(errs) != 0 {
				t.Fatalf("written text does not read back: %v\n%s", errs, w1.Bytes())
			}
			var w2 bytes.Buffer
			if err := write(&w2, again, cat, format, time.UTC); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
				t.Fatalf("unstable write:\n%s\n---\n%s", w1.Bytes(), w2.Bytes())
			}
			checkCollapse(t, again, cat, format)
		}
	})
}

// checkCollapse writes f with Write, which collapses duplicate blocks,
// and checks that every interface reads back with the same active lease
// and alternatives (by address), at a time when none has expired and at
// one when all have.
func checkCollapse(t *testing.T, f *File, cat *dhcp4.Catalogue, format Format) {
	var w bytes.Buffer
	if err := Write(&w, f, cat, format); err != nil {
		t.Fatal(err)
	}
	back, errs := Parse(&w, "collapsed", cat)
	if len(errs) != 0 {
		t.Fatalf("collapsed text does not read back: %v\n%s", errs, w.Bytes())
	}
	for _, now := range []time.Time{time.Unix(0, 0), time.Unix(1<<40, 0)} {
		for _, iface := range f.Interfaces() {
			a1, alt1 := f.Active(iface, now)
			a2, alt2 := back.Active(iface, now)
			if addrs(a1) != addrs(a2) || addrs(alt1...) != addrs(alt2...) {
				t.Fatalf("%s at %v: active %s alternatives %s, after collapsing %s and %s",
					iface, now, addrs(a1), addrs(alt1...), addrs(a2), addrs(alt2...))
			}
		}
	}
}

func addrs(ls ...*statemachine.Lease) string {
	var out []string
	for _, l := range ls {
		if l != nil {
			out = append(out, l.Addr.String())
		}
	}
	return strings.Join(out, " ")
}
