package isctext

import "fmt"

// MaxTokenLen is the longest name or string ISC's scanner keeps (the size
// of its token buffer, common/conflex.c); longer ones are cut with an error.
const MaxTokenLen = 1500

// lexer turns source bytes into tokens one at a time, tracking ISC's
// read-ahead so that Token.Caret matches ISC's column. It keeps nothing
// per token but the last one, so that memory does not grow with the file
// (issue 12: a 16 MiB garbage lease file tokenised whole took 1.8 GB).
type lexer struct {
	src       []byte
	pos       int
	line      int
	lineStart int
	// pushedBack is set when the byte at pos was read ahead and returned,
	// as ISC does after a name, a number or a run of white space.
	pushedBack bool
	errs       []string // lexical errors of the token being read
	last       Token    // the last token other than EOF, where EOF sits
	seen       bool     // last is set
}

func newLexer(src []byte) *lexer { return &lexer{src: src, line: 1} }

// token returns the next token, the last one EOF (again at every later
// call), and the lexical errors found in it.
func (lx *lexer) token() (Token, []string) {
	lx.errs = nil
	t := lx.next()
	if t.Kind != EOF {
		lx.last, lx.seen = t, true
	}
	return t, lx.errs
}

func (lx *lexer) advance() {
	if lx.src[lx.pos] == '\n' {
		lx.line++
		lx.lineStart = lx.pos + 1
	}
	lx.pos++
}

// skip consumes white space and comments, reporting whether there were any.
func (lx *lexer) skip() bool {
	skipped := false
	for lx.pos < len(lx.src) {
		c := lx.src[lx.pos]
		switch {
		case isSpace(c):
			for lx.pos < len(lx.src) && isSpace(lx.src[lx.pos]) {
				lx.advance()
			}
			// ISC's read_whitespace pushes back the byte that ended the run.
			lx.pushedBack = lx.pos < len(lx.src)
		case c == '#':
			for lx.pos < len(lx.src) && lx.src[lx.pos] != '\n' {
				lx.advance()
			}
			if lx.pos < len(lx.src) {
				lx.advance() // ISC's skip_to_eol eats the newline too
			}
			lx.pushedBack = false
		default:
			return skipped
		}
		skipped = true
	}
	return skipped
}

func (lx *lexer) next() Token {
	space := lx.skip()
	if lx.pos >= len(lx.src) {
		return lx.eof(space)
	}
	t := Token{Line: lx.line, Col: lx.pos - lx.lineStart + 1, Off: lx.pos, SpaceBefore: space, lineOff: lx.lineStart}
	t.Caret = t.Col
	if lx.pushedBack {
		t.Caret++
	}
	c := lx.src[lx.pos]
	switch {
	case c == '"':
		t.Kind = String
		t.Text = lx.readString()
		lx.pushedBack = false
	case isAlnum(c) || c == '-':
		t.Kind = Name
		start := lx.pos
		for lx.pos < len(lx.src) && isNameByte(lx.src[lx.pos]) {
			lx.advance()
		}
		name := lx.src[start:lx.pos]
		if len(name) > MaxTokenLen {
			lx.errorf("token larger than internal buffer")
			name = name[:MaxTokenLen-1]
		}
		t.Text = string(name)
		lx.pushedBack = lx.pos < len(lx.src)
	default:
		t.Kind = Punct
		t.Text = string(c)
		lx.advance()
		lx.pushedBack = false
	}
	t.End = lx.pos
	return t
}

// eof builds the final token. ISC leaves its position at the last real
// token, so messages about a missing ';' at the end point there.
func (lx *lexer) eof(space bool) Token {
	t := Token{Kind: EOF, Line: 1, Col: 1, Caret: 1, Off: len(lx.src), End: len(lx.src), SpaceBefore: space}
	if lx.seen {
		p := lx.last
		t.Line, t.Col, t.Caret, t.Off, t.End, t.lineOff = p.Line, p.Col, p.Caret, p.Off, p.End, p.lineOff
	}
	return t
}

func (lx *lexer) errorf(format string, args ...any) {
	lx.errs = append(lx.errs, fmt.Sprintf(format, args...))
}
