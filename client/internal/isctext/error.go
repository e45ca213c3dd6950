package isctext

import (
	"bytes"
	"fmt"
	"strings"
)

// lineBuf is the number of bytes of a line ISC's scanner keeps for its
// error display (common/conflex.c get_char: lpos <= 80).
const lineBuf = 80

// Error is a problem at a place in a file. Warning marks problems that
// change nothing (ignored statements); everything else is an error that ISC
// would print with parse_warn.
type Error struct {
	File    string
	Line    int
	Col     int    // true 1-based column
	Caret   int    // ISC's column (see Token.Caret)
	Msg     string // ISC's message, such as "semicolon expected."
	Source  string // the line as ISC shows it: read up to one byte past the token
	Warning bool
	Err     error // underlying cause, if any
}

// Error returns "FILE line N: MSG", ISC's first line.
func (e *Error) Error() string {
	return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Display renders e as ISC's parse_warn does: the message line, the source
// line, and a caret under the column, tabs in the source widening the
// caret's indent to the next multiple of eight. ISC omits the caret past
// column 80. The result ends with a newline.
func (e *Error) Display() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteByte('\n')
	b.WriteString(e.Source)
	b.WriteByte('\n')
	if e.Caret < lineBuf+1 {
		b.WriteString(caretIndent(e.Source, e.Caret))
		b.WriteString("^\n")
	}
	return b.String()
}

func caretIndent(src string, caret int) string {
	var b []byte
	for i := 0; i < len(src) && i < caret-1; i++ {
		b = append(b, ' ')
		if src[i] == '\t' {
			for len(b)&7 != 0 {
				b = append(b, ' ')
			}
		}
	}
	return string(b)
}

// sourceLine returns the line of t as ISC displays it: from the start of the
// line up to one byte past the token for names and numbers (ISC reads one
// byte ahead to find their end), cut at the end of the line and at 80 bytes.
func sourceLine(src []byte, t Token) string {
	start := min(t.lineOff, len(src))
	end := min(t.End, len(src))
	if t.Kind == Name && end < len(src) {
		end++
	}
	end = max(min(end, start+lineBuf), start)
	if i := bytes.IndexByte(src[start:end], '\n'); i >= 0 {
		end = start + i
	}
	return string(src[start:end])
}
