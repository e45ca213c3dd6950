package isctext

import "fmt"

// MaxErrors is how many problems a Scanner keeps for one file. A garbage
// file has one per token: 16 MiB of "x;" made 8 million messages, each
// with its source line (issue 12). Beyond the limit problems are counted
// and summed up in one last error.
const MaxErrors = 100

// report holds the problems of one file.
type report struct {
	errs    []*Error
	kept    int   // problems kept since the scanner started
	dropped int   // problems beyond MaxErrors, not yet summed up
	first   Error // where the first dropped problem was
	nerrs   int   // errors, warnings aside, dropped ones included
}

// full reports whether the next problem is beyond MaxErrors, and so is
// only counted: its message is not even formatted.
func (r *report) full() bool { return r.kept >= MaxErrors }

// add keeps a problem with its source line.
func (s *Scanner) add(t Token, msg string, warn bool) *Error {
	if s.rep.full() {
		return s.drop(t, warn)
	}
	e := &Error{File: s.File, Line: t.Line, Col: t.Col, Caret: t.Caret, Msg: msg, Warning: warn,
		Source: sourceLine(s.src, t)}
	s.rep.kept++
	if !warn {
		s.rep.nerrs++
	}
	s.rep.errs = append(s.rep.errs, e)
	return e
}

// drop counts a problem beyond MaxErrors. The Error it returns, for
// Wrap to fill in, is not kept.
func (s *Scanner) drop(t Token, warn bool) *Error {
	e := &Error{File: s.File, Line: t.Line, Col: t.Col, Caret: t.Caret, Warning: warn}
	if !warn {
		s.rep.nerrs++
	}
	if s.rep.dropped++; s.rep.dropped == 1 {
		s.rep.first = *e
	}
	return e
}

// Errors returns everything reported and not yet cleared, in order, and
// when problems were dropped a last error saying how many, at the line of
// the first of them.
func (s *Scanner) Errors() []*Error {
	if s.rep.dropped == 0 {
		return s.rep.errs
	}
	f := s.rep.first
	sum := &Error{File: s.File, Line: f.Line, Col: f.Col, Caret: f.Caret,
		Msg: fmt.Sprintf("too many problems, %d more not shown.", s.rep.dropped)}
	return append(s.rep.errs[:len(s.rep.errs):len(s.rep.errs)], sum)
}

// ErrorCount returns the number of errors (not warnings) so far, those
// not shown included.
func (s *Scanner) ErrorCount() int { return s.rep.nerrs }

// ClearErrors forgets the errors reported so far, once the caller has
// taken them with Errors. The limit still counts them.
func (s *Scanner) ClearErrors() {
	s.rep.errs, s.rep.dropped = nil, 0
}
