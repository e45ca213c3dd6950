package config

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
)

// optionStatement handles the statements about options (reference §2.2,
// §2.4).
func (fp *fileParser) optionStatement(sc *Settings, iface, kw string) bool {
	s := fp.s
	switch kw {
	case "also":
		s.Next()
		fp.also(sc, iface)
	case "send":
		s.Next()
		fp.send(sc)
	case "default", "supersede", "prepend", "append":
		s.Next()
		fp.modifier(sc, kw)
	case "reject":
		s.Next()
		fp.reject(sc)
	case "vendor", "vendor-option-space":
		s.Next()
		fp.vendorSpace(kw)
	case "option":
		t := s.Next()
		if keyword(s.Peek()) == "space" {
			s.Next()
			if iface != "" {
				s.Errorf(t, "option space definitions  may not be scoped.")
				s.SkipToSemi()
				return true
			}
			fp.spaceDecl()
			return true
		}
		if iface != "" {
			s.Errorf(t, "option definitions may only appear in the outermost scope.")
			s.SkipToSemi()
			return true
		}
		fp.define()
	default:
		return false
	}
	return true
}

// send reads `send NAME VALUE;` or `send NAME = EXPR;`, EXPR being a
// value, gethostname(), hardware, pick-first-value of those or a data
// expression (DataExpr), and `send SPACE.NAME VALUE;`.
func (fp *fileParser) send(sc *Settings) {
	s := fp.s
	at := s.Peek()
	ref, ok := lease.OptionRef(s, fp.p.cfg.Catalogue)
	if !ok {
		return
	}
	if ref.IsSub {
		fp.sendSub(sc, at, ref)
		return
	}
	if so, ok := fp.sendValue(ref); ok {
		so.Code = ref.Def.Code
		sc.Send = setSend(sc.Send, so)
	}
}

// sendValue reads what a send or modifier statement for ref gives, up to
// its ';': a value, or after '=' gethostname(), hardware,
// pick-first-value, a data expression (a constant one evaluated now) or a
// value. The caller sets the code.
func (fp *fileParser) sendValue(ref lease.Ref) (SendOption, bool) {
	s := fp.s
	if s.Peek().Is('=') {
		s.Next()
		switch keyword(s.Peek()) {
		case "gethostname":
			t := s.Next()
			if !s.Next().Is('(') || !s.Next().Is(')') {
				s.Errorf(t, "expecting gethostname().")
				s.SkipToSemi()
				return SendOption{}, false
			}
			return SendOption{Expr: ExprHostname}, s.ExpectSemi()
		case "hardware":
			s.Next()
			return SendOption{Expr: ExprHardware}, s.ExpectSemi()
		case "pick-first-value":
			s.Next()
			return fp.pickFirstValue(ref)
		}
		if isDataFunc(s.Peek()) {
			e, ok := fp.dataExpr()
			if !ok {
				s.SkipToSemi()
				return SendOption{}, false
			}
			return sendExpr(e), s.ExpectSemi()
		}
	}
	data, ok := fp.refValue(ref)
	return SendOption{Data: data}, ok
}

// modifier reads default, supersede, prepend or append NAME VALUE;. The
// modifiers apply to DHCP options; one naming an option of another space
// is warned about and ignored, since leased derives those from the
// encapsulating option.
func (fp *fileParser) modifier(sc *Settings, kw string) {
	s := fp.s
	at := s.Peek()
	ref, ok := lease.OptionRef(s, fp.p.cfg.Catalogue)
	if !ok {
		return
	}
	if ref.IsSub {
		s.Warnf(at, "%s %s ignored: leased applies %s to DHCP options only.", kw, ref.Name(), kw)
		s.SkipToSemi()
		return
	}
	so, ok := fp.sendValue(ref)
	if !ok {
		return
	}
	so.Code = ref.Def.Code
	sc.Modifiers = append(sc.Modifiers, Modifier{Kind: modifierKinds[kw], SendOption: so})
}

// modifierKinds are the modifier statements' keywords.
var modifierKinds = map[string]statemachine.ModifierKind{
	"default": statemachine.Default, "supersede": statemachine.Supersede,
	"prepend": statemachine.Prepend, "append": statemachine.Append,
}

// refValue reads value text up to ';' and converts it for the option.
func (fp *fileParser) refValue(ref lease.Ref) ([]byte, bool) {
	s := fp.s
	text, first, ok := s.Value()
	if !ok {
		return nil, false
	}
	data, err := ref.ParseValue(text)
	if err != nil {
		s.Wrap(first, fmt.Errorf("%s: %w", ref.Name(), err))
		return nil, false
	}
	return data, true
}

// reject reads `reject ADDR[/LEN], ...;` (ISC parse_reject_statement).
func (fp *fileParser) reject(sc *Settings) {
	s := fp.s
	var list []netip.Prefix
	for {
		first := s.Peek()
		var b strings.Builder
		for !s.Peek().Is(',') && !s.Peek().Is(';') && s.Peek().Kind != isctext.EOF && b.Len() < 64 {
			b.WriteString(s.Next().Text)
		}
		p, err := parsePrefix(b.String())
		if err != nil {
			s.Errorf(first, "expecting IP address or prefix.")
			s.SkipToSemi()
			return
		}
		if p.Bits() == 0 {
			// It would reject every server (ISC's message and refusal).
			s.Errorf(first, "zero-length prefix is not permitted for reject statement")
			s.SkipToSemi()
			return
		}
		list = append(list, p)
		t := s.Next()
		if t.Is(';') {
			break
		}
		if !t.Is(',') {
			s.Errorf(t, "expecting semicolon.")
			return
		}
	}
	sc.Reject = append(sc.Reject, list...)
}

// parsePrefix reads "a.b.c.d" (a /32) or "a.b.c.d/n".
func parsePrefix(text string) (netip.Prefix, error) {
	if !strings.Contains(text, "/") {
		a, err := netip.ParseAddr(text)
		if err != nil || !a.Is4() {
			return netip.Prefix{}, fmt.Errorf("bad address %q", text)
		}
		return netip.PrefixFrom(a, 32), nil
	}
	p, err := netip.ParsePrefix(text)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("bad prefix %q", text)
	}
	return p.Masked(), nil
}
