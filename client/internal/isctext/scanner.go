package isctext

import (
	"fmt"
	"strings"
)

// Scanner hands out the tokens of one file with one token of look-ahead and
// collects the errors reported against them. It never fails: at the end of
// input Next keeps returning the EOF token.
//
// Tokens are read as they are asked for and not kept, and at most
// MaxErrors problems are kept per file, so a hostile file costs its own
// size in memory and no more (issue 12).
type Scanner struct {
	File string
	src  []byte
	lx   *lexer
	look Token // the next token, once peeked
	have bool  // look is set
	end  int   // offset just past the last consumed token (Mark)
	rep  report
}

// NewScanner returns a scanner of src, read from the file named file
// (used in messages).
func NewScanner(file string, src []byte) *Scanner {
	return &Scanner{File: file, src: src, lx: newLexer(src)}
}

// Peek returns the next token without consuming it. Its lexical errors
// are reported when it is first seen.
func (s *Scanner) Peek() Token {
	if !s.have {
		t, errs := s.lx.token()
		s.look, s.have = t, true
		for _, m := range errs {
			s.add(t, m, false)
		}
	}
	return s.look
}

// Next consumes and returns the next token.
func (s *Scanner) Next() Token {
	t := s.Peek()
	if t.Kind != EOF {
		s.have, s.end = false, t.End
	}
	return t
}

// AtEOF reports whether every token was consumed.
func (s *Scanner) AtEOF() bool { return s.Peek().Kind == EOF }

// Errorf records an error at t and returns it.
func (s *Scanner) Errorf(t Token, format string, args ...any) *Error {
	if s.rep.full() {
		return s.drop(t, false)
	}
	return s.add(t, fmt.Sprintf(format, args...), false)
}

// Warnf records a warning at t and returns it.
func (s *Scanner) Warnf(t Token, format string, args ...any) *Error {
	if s.rep.full() {
		return s.drop(t, true)
	}
	return s.add(t, fmt.Sprintf(format, args...), true)
}

// Wrap records err at t as an error whose message is err's text.
func (s *Scanner) Wrap(t Token, err error) *Error {
	var e *Error
	if s.rep.full() {
		e = s.drop(t, false)
	} else {
		e = s.add(t, err.Error(), false)
	}
	e.Err = err
	return e
}

// SkipToSemi consumes tokens up to and including the next ';' outside
// braces, or a '}' closing the braces opened on the way, or up to the end
// of input (ISC skip_to_semi). A '}' with no brace opened is consumed too,
// as ISC does.
func (s *Scanner) SkipToSemi() {
	depth := 0
	for {
		t := s.Next()
		switch {
		case t.Kind == EOF:
			return
		case t.Is('{'):
			depth++
		case t.Is('}'):
			depth--
			if depth <= 0 {
				return
			}
		case t.Is(';') && depth == 0:
			return
		}
	}
}

// ExpectSemi consumes a ';' or reports "semicolon expected." and skips to
// the next one (ISC parse_semi). It reports whether the ';' was there.
func (s *Scanner) ExpectSemi() bool {
	t := s.Next()
	if t.Is(';') {
		return true
	}
	s.Errorf(t, "semicolon expected.")
	if t.Kind != EOF {
		s.SkipToSemi()
	}
	return false
}

// Quote renders b as an ISC lease-file string: in double quotes, with '"'
// and '\' escaped by a backslash and bytes outside printable ASCII as
// three octal digits.
func Quote(b string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, "\\%03o", c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}
