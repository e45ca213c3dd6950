package isctext

import (
	"testing"
)

// TestDisplayMatchesISC reproduces the two messages of
// reference/isc-golden/logs/12-config-parse-error.log by hand: the error
// token of each, as ISC's parser meets it.
func TestDisplayMatchesISC(t *testing.T) {
	src := "timeout 5;\nbogus-statement 1;\nrequest subnet-mask\n"
	s := NewScanner("bad.conf", []byte(src))
	for i := 0; i < 4; i++ {
		s.Next() // timeout 5 ; bogus-statement
	}
	one := s.Next()
	s.Errorf(one, "semicolon expected.")
	s.Next() // ;
	s.Errorf(s.Next(), "semicolon expected.")
	want := "bad.conf line 2: semicolon expected.\nbogus-statement 1;\n                 ^\n" +
		"bad.conf line 3: semicolon expected.\nrequest \n ^\n"
	got := ""
	for _, e := range s.Errors() {
		got += e.Display()
	}
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestDisplayTabsAndLongLines(t *testing.T) {
	s := NewScanner("f", []byte("\tx\ty;"))
	s.Next()
	e := s.Errorf(s.Next(), "m")
	// ISC's caret for y is column 5 (read ahead after the tab), so its
	// indent covers "\tx\ty": a tab stop, 'x', a tab stop, 'y'.
	if want := "f line 1: m\n\tx\ty;\n                 ^\n"; e.Display() != want {
		t.Errorf("got %q, want %q", e.Display(), want)
	}
	long := make([]byte, 0, 100)
	for i := 0; i < 90; i++ {
		long = append(long, ' ')
	}
	long = append(long, "zz;"...)
	s = NewScanner("f", long)
	e = s.Errorf(s.Next(), "m")
	if want := "f line 1: m\n" + string(long[:80]) + "\n"; e.Display() != want {
		t.Errorf("got %q, want %q", e.Display(), want)
	}
}

func TestSkipToSemi(t *testing.T) {
	tests := []struct {
		src, next string
	}{
		{"a b; c", "c"},
		{"a { b; c; } d; e", "d"},
		{"a } b", "b"},
		{"a", ""},
	}
	for _, tt := range tests {
		s := NewScanner("f", []byte(tt.src))
		s.SkipToSemi()
		if got := s.Next().Text; tt.next != "" && got != tt.next {
			t.Errorf("%q: next is %q, want %q", tt.src, got, tt.next)
		}
		if tt.next == "" && !s.AtEOF() {
			t.Errorf("%q: not at end", tt.src)
		}
	}
}

func TestExpectSemiAndText(t *testing.T) {
	s := NewScanner("f", []byte(`send x "a\x41" 1, 2 # c`+"\n"+`;`))
	s.Next()
	s.Next()
	m := s.Mark()
	for !s.Peek().Is(';') {
		s.Next()
	}
	if got, want := s.Text(m), `"aA" 1, 2`; got != want {
		t.Errorf("Text: got %q, want %q", got, want)
	}
	if !s.ExpectSemi() {
		t.Error("ExpectSemi: no semicolon")
	}
	if s.ExpectSemi() || len(s.Errors()) != 1 {
		t.Errorf("ExpectSemi at EOF: errors %v", s.Errors())
	}
}

func TestQuote(t *testing.T) {
	if got, want := Quote("a\"b\\c\x00\xff$"), `"a\"b\\c\000\377$"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
