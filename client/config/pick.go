package config

import (
	"fmt"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
)

// pickFirstValue reads the rest of `send NAME = pick-first-value(E, ...);`
// after its keyword, each E being gethostname(), hardware or a value of
// the option's type, as ISC's example dhclient.conf has it:
//
//	send host-name = pick-first-value(gethostname(), "ISC-dhclient");
//
// ISC sends the first E that has a value. gethostname() has none on a
// host without a name, and the daemon reads the name at each send, so
// it becomes ExprHostname with the first value after it as what to send
// without one (SendOption.Data); hardware and a non-empty value always
// have one, and what follows them is never sent.
func (fp *fileParser) pickFirstValue(ref lease.Ref) (SendOption, bool) {
	s := fp.s
	open := s.Next()
	if !open.Is('(') {
		s.Errorf(open, "expecting ( after pick-first-value.")
		s.SkipToSemi()
		return SendOption{}, false
	}
	var so SendOption
	decided := false // a value after which nothing counts
	for {
		alt, ok := fp.pickAlternative(ref)
		if !ok {
			s.SkipToSemi()
			return SendOption{}, false
		}
		switch {
		case decided:
		case alt.Expr == ExprHostname && so.Expr == ExprNone:
			so.Expr = ExprHostname
		case alt.Expr == ExprHardware && so.Expr == ExprNone:
			so.Expr, decided = ExprHardware, true
		case alt.Expr == ExprNone && len(alt.Data) > 0:
			so.Data, decided = alt.Data, true
		}
		t := s.Next()
		if t.Is(')') {
			break
		}
		if !t.Is(',') {
			s.Errorf(t, "expecting , or ) in pick-first-value.")
			s.SkipToSemi()
			return SendOption{}, false
		}
	}
	if !s.ExpectSemi() {
		return SendOption{}, false
	}
	return so, true
}

// pickAlternative reads one argument of pick-first-value: gethostname(),
// hardware, or the tokens of a value up to the next , or ) outside
// parentheses.
func (fp *fileParser) pickAlternative(ref lease.Ref) (SendOption, bool) {
	s := fp.s
	switch keyword(s.Peek()) {
	case "gethostname":
		t := s.Next()
		if !s.Next().Is('(') || !s.Next().Is(')') {
			s.Errorf(t, "expecting gethostname().")
			return SendOption{}, false
		}
		return SendOption{Expr: ExprHostname}, true
	case "hardware":
		s.Next()
		return SendOption{Expr: ExprHardware}, true
	}
	mark, first := s.Mark(), s.Peek()
	for depth := 0; depth > 0 || !(s.Peek().Is(',') || s.Peek().Is(')')); {
		t := s.Peek()
		if t.Kind == isctext.EOF || t.Is(';') || t.Is('{') || t.Is('}') {
			s.Errorf(t, "expecting ) to close pick-first-value.")
			return SendOption{}, false
		}
		if t.Is('(') {
			depth++
		} else if t.Is(')') {
			depth--
		}
		s.Next()
	}
	data, err := ref.ParseValue(s.Text(mark))
	if err != nil {
		s.Wrap(first, fmt.Errorf("%s: %w", ref.Name(), err))
		return SendOption{}, false
	}
	return SendOption{Data: data}, true
}
