package isctext

import (
	"strings"
	"testing"
)

func TestValue(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the value text, or the error
		ok        bool
		next      string // the token after
	}{
		{"list", `1.2.3.4, 5.6.7.8; x`, "1.2.3.4, 5.6.7.8", true, "x"},
		{"comment becomes a space", "\"a\" # c\n \"b\"; x", `"a" "b"`, true, "x"},
		{"hex escape requoted", `"\x41\x00"; x`, `"A\000"`, true, "x"},
		{"empty", `; x`, "", true, "x"},
		{"brace", `1 } x`, "f line 1: semicolon expected.", false, "}"},
		{"end of input", `1 2`, "f line 1: semicolon expected.", false, ""},
		{"too long", strings.Repeat("ab:", MaxValueLen/3+1) + "; x", "f line 1: value longer than 65536 bytes.", false, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner("f", []byte(tt.src))
			text, _, ok := s.Value()
			got := text
			if !ok {
				got = ""
				if errs := s.Errors(); len(errs) == 1 {
					got = errs[0].Error()
				}
			}
			if ok != tt.ok || got != tt.want {
				t.Errorf("got %q, %v; want %q, %v (errors %v)", got, ok, tt.want, tt.ok, s.Errors())
			}
			if next := s.Next().Text; next != tt.next {
				t.Errorf("next token %q, want %q", next, tt.next)
			}
		})
	}
}

func TestErrorsAreCapped(t *testing.T) {
	s := NewScanner("g", []byte(strings.Repeat("x\n", 3*MaxErrors)))
	for !s.AtEOF() {
		s.Errorf(s.Next(), "bad %s.", "token")
	}
	errs := s.Errors()
	if len(errs) != MaxErrors+1 || s.ErrorCount() != 3*MaxErrors {
		t.Fatalf("got %d errors kept, %d counted; want %d and %d", len(errs), s.ErrorCount(), MaxErrors+1, 3*MaxErrors)
	}
	want := "g line 101: too many problems, 200 more not shown."
	if got := errs[MaxErrors].Error(); got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	s.ClearErrors()
	if n := len(s.Errors()); n != 0 {
		t.Errorf("after ClearErrors: %d errors", n)
	}
}

func TestTextAfterLookAhead(t *testing.T) {
	s := NewScanner("f", []byte(`option x 1 2 3; y`))
	s.Next()
	s.Next()
	m := s.Mark()
	s.Peek()
	s.Next()
	s.Next()
	s.Peek() // look-ahead is not part of the text
	if got := s.Text(m); got != "1 2" {
		t.Errorf("got %q, want %q", got, "1 2")
	}
}
