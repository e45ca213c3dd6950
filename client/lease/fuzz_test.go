package lease

import (
	"bytes"
	"testing"
	"time"
)

// FuzzLeaseFile checks that any input parses without panicking, that what
// was read writes back as text that reads again without errors, and that
// writing is stable: write(parse(write(x))) == write(x).
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
		}
	})
}
