package isctext

import (
	"fmt"
	"strings"
)

// Scanner hands out the tokens of one file with one token of look-ahead and
// collects the errors reported against them. It never fails: at the end of
// input Next keeps returning the EOF token.
type Scanner struct {
	File string
	src  []byte
	toks []Token
	lex  map[int][]string
	i    int
	seen int // tokens whose lexical errors were already reported
	errs []*Error
}

// NewScanner tokenises src, read from the file named file (used in
// messages).
func NewScanner(file string, src []byte) *Scanner {
	toks, lex := tokenize(src)
	return &Scanner{File: file, src: src, toks: toks, lex: lex}
}

// Peek returns the next token without consuming it.
func (s *Scanner) Peek() Token {
	s.reach(s.i)
	return s.toks[s.i]
}

// Next consumes and returns the next token.
func (s *Scanner) Next() Token {
	t := s.Peek()
	if s.i < len(s.toks)-1 {
		s.i++
	}
	return t
}

// reach reports the lexical errors of tokens up to index i, in order.
func (s *Scanner) reach(i int) {
	for ; s.seen <= i && s.seen < len(s.toks); s.seen++ {
		for _, m := range s.lex[s.seen] {
			s.add(s.toks[s.seen], m, false)
		}
	}
}

// AtEOF reports whether every token was consumed.
func (s *Scanner) AtEOF() bool { return s.Peek().Kind == EOF }

// Errorf records an error at t and returns it.
func (s *Scanner) Errorf(t Token, format string, args ...any) *Error {
	return s.add(t, fmt.Sprintf(format, args...), false)
}

// Warnf records a warning at t and returns it.
func (s *Scanner) Warnf(t Token, format string, args ...any) *Error {
	return s.add(t, fmt.Sprintf(format, args...), true)
}

// Wrap records err at t as an error whose message is err's text.
func (s *Scanner) Wrap(t Token, err error) *Error {
	e := s.add(t, err.Error(), false)
	e.Err = err
	return e
}

func (s *Scanner) add(t Token, msg string, warn bool) *Error {
	e := &Error{
		File: s.File, Line: t.Line, Col: t.Col, Caret: t.Caret,
		Msg: msg, Source: sourceLine(s.src, t), Warning: warn,
	}
	s.errs = append(s.errs, e)
	return e
}

// Errors returns everything reported so far, in order.
func (s *Scanner) Errors() []*Error { return s.errs }

// ErrorCount returns the number of errors (not warnings) so far.
func (s *Scanner) ErrorCount() int {
	n := 0
	for _, e := range s.errs {
		if !e.Warning {
			n++
		}
	}
	return n
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

// Text renders the tokens from index from up to (not including) the
// current position as value text for dhcp4's value parser: each token as
// written, one space where the source had white space or a comment (so
// comments never reach the value). Strings keep their escapes, except that
// a string using ISC's \xHH escape, which the value parser does not know,
// is requoted with Quote from its decoded bytes.
func (s *Scanner) Text(from int) string {
	var b strings.Builder
	for i := from; i < s.i && i < len(s.toks); i++ {
		t := s.toks[i]
		if i > from && t.SpaceBefore {
			b.WriteByte(' ')
		}
		raw := string(s.src[t.Off:t.End])
		if t.Kind == String && strings.Contains(raw, "\\x") {
			raw = Quote(t.Text)
		}
		b.WriteString(raw)
	}
	return b.String()
}

// Mark returns the current position for Text.
func (s *Scanner) Mark() int { return s.i }

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

// ClearErrors forgets the errors reported so far, once the caller has
// taken them with Errors.
func (s *Scanner) ClearErrors() { s.errs = nil }
