package isctext

import "fmt"

// MaxTokenLen is the longest name or string ISC's scanner keeps (the size
// of its token buffer, common/conflex.c); longer ones are cut with an error.
const MaxTokenLen = 1500

// lexer turns source bytes into tokens, tracking ISC's read-ahead so that
// Token.Caret matches ISC's column.
type lexer struct {
	src       []byte
	pos       int
	line      int
	lineStart int
	// pushedBack is set when the byte at pos was read ahead and returned,
	// as ISC does after a name, a number or a run of white space.
	pushedBack bool
	errs       map[int][]string // token index -> lexical error messages
	toks       []Token
}

// tokenize splits src into tokens, the last one EOF, and the lexical
// errors found in each token, by token index.
func tokenize(src []byte) ([]Token, map[int][]string) {
	lx := &lexer{src: src, line: 1, errs: map[int][]string{}}
	for {
		t := lx.next()
		lx.toks = append(lx.toks, t)
		if t.Kind == EOF {
			return lx.toks, lx.errs
		}
	}
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
		t.Text = string(lx.src[start:lx.pos])
		if len(t.Text) > MaxTokenLen {
			lx.errorf("token larger than internal buffer")
			t.Text = t.Text[:MaxTokenLen-1]
		}
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
	if n := len(lx.toks); n > 0 {
		p := lx.toks[n-1]
		t.Line, t.Col, t.Caret, t.Off, t.End, t.lineOff = p.Line, p.Col, p.Caret, p.Off, p.End, p.lineOff
	}
	return t
}

func (lx *lexer) errorf(format string, args ...any) {
	i := len(lx.toks)
	lx.errs[i] = append(lx.errs[i], fmt.Sprintf(format, args...))
}
