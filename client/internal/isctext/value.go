package isctext

import "strings"

// MaxValueLen bounds the text of one value (Value): twice ISC's
// MAX_OUTPUT_SIZE (common/options.c), the longest value ISC writes into
// a lease file. A longer one is an error, so a garbage file cannot build
// a value of its own size.
const MaxValueLen = 64 << 10

// Mark returns the current position for Text.
func (s *Scanner) Mark() int { return s.end }

// Text renders the tokens consumed since mark as value text for dhcp4's
// value parser: each token as written, one space where the source had
// white space or a comment (so comments never reach the value). Strings
// keep their escapes, except that a string using ISC's \xHH escape, which
// the value parser does not know, is requoted with Quote from its decoded
// bytes. The tokens are read again from the source, as the scanner keeps
// none.
func (s *Scanner) Text(mark int) string {
	if mark >= s.end {
		return ""
	}
	lx := newLexer(s.src[:s.end])
	lx.pos = mark
	var b strings.Builder
	for first := true; ; first = false {
		t, _ := lx.token()
		if t.Kind == EOF {
			return b.String()
		}
		if !first && t.SpaceBefore {
			b.WriteByte(' ')
		}
		raw := string(s.src[t.Off:t.End])
		if t.Kind == String && strings.Contains(raw, "\\x") {
			raw = Quote(t.Text)
		}
		b.WriteString(raw)
	}
}

// Value reads the tokens up to the next ';' as value text (see Text) and
// consumes the ';'. It returns the first token of the value, for
// messages. At a '{', a '}' or the end of input it reports "semicolon
// expected." there and returns false, the token left unread; a value
// longer than MaxValueLen is reported at its start and skipped up to its
// ';'.
func (s *Scanner) Value() (text string, first Token, ok bool) {
	mark, first := s.Mark(), s.Peek()
	for !s.Peek().Is(';') {
		t := s.Peek()
		if t.Kind == EOF || t.Is('{') || t.Is('}') {
			s.Errorf(t, "semicolon expected.")
			return "", first, false
		}
		if t.End-first.Off > MaxValueLen {
			s.Errorf(first, "value longer than %d bytes.", MaxValueLen)
			s.SkipToSemi()
			return "", first, false
		}
		s.Next()
	}
	text = s.Text(mark)
	s.Next() // ';'
	return text, first, true
}
