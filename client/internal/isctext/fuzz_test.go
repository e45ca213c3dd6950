package isctext

import "testing"

// FuzzTokenize checks that any input tokenises without panicking, that
// tokens move forward through the input and stay inside it, and that every
// error renders.
func FuzzTokenize(f *testing.F) {
	f.Add([]byte("timeout 5;\nbogus-statement 1;\nrequest subnet-mask\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewScanner("fuzz", data)
		prev := 0
		for {
			tok := s.Next()
			if tok.Kind == EOF {
				// EOF takes the last token's place, as in ISC.
				break
			}
			if tok.Off < prev || tok.End < tok.Off || tok.End > len(data) {
				t.Fatalf("token %+v out of order (previous end %d, input %d)", tok, prev, len(data))
			}
			if tok.End == tok.Off {
				t.Fatalf("empty token %+v", tok)
			}
			prev = tok.End
			s.Errorf(tok, "m")
		}
		for _, e := range s.Errors() {
			_ = e.Display()
		}
	})
}
