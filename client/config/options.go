package config

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// optionStatement handles the statements about options (reference §2.2,
// §2.4).
func (fp *fileParser) optionStatement(sc *Settings, iface, kw string) bool {
	s := fp.s
	switch kw {
	case "request", "require":
		t := s.Next()
		if kw == "require" && keyword(s.Peek()) == "authentication" {
			s.Warnf(t, "bootp/authentication policy ignored.")
			s.SkipToSemi()
			return true
		}
		fp.optionList(sc, kw, false)
	case "also":
		s.Next()
		t := s.Next()
		switch keyword(t) {
		case "request", "require":
			fp.optionList(sc, keyword(t), true)
		default:
			s.Errorf(t, "expected REQUEST or REQUIRE list")
			skipRest(s, t)
		}
	case "send":
		s.Next()
		fp.send(sc)
	case "default", "supersede", "prepend", "append":
		s.Next()
		fp.modifier(sc, kw)
	case "reject":
		s.Next()
		fp.reject(sc)
	case "option":
		t := s.Next()
		if keyword(s.Peek()) == "space" {
			s.Warnf(t, "option space ignored.")
			s.SkipToSemi()
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

// optionList reads `name, name, ...;` for request or require; also
// appends to the list in force (ISC parse_option_list). Names of other
// option spaces (dhcp6.*) are skipped: only DHCPv4 options go into a v4
// list (reference §2.2). An empty list is allowed: `request;` sends no
// parameter request list.
func (fp *fileParser) optionList(sc *Settings, which string, also bool) {
	s := fp.s
	var codes []uint8
	for first := true; ; first = false {
		t := s.Peek()
		if first && t.Is(';') {
			s.Next()
			break
		}
		if code, ok, good := fp.listName(); !good {
			return
		} else if ok {
			codes = append(codes, code)
		}
		t = s.Next()
		if t.Is(';') {
			break
		}
		if !t.Is(',') {
			s.Errorf(t, "expecting semicolon.")
			skipRest(s, t)
			return
		}
	}
	fp.setList(sc, which, codes, also)
}

// listName reads one option name of a list: its code and whether it is a
// DHCPv4 option; good is false after a reported error.
func (fp *fileParser) listName() (code uint8, v4, good bool) {
	s := fp.s
	t := s.Next()
	if !t.IsWord() {
		s.Errorf(t, "%s: expected option name.", t.Describe())
		skipRest(s, t)
		return 0, false, false
	}
	if s.Peek().Is('.') {
		s.Next()
		if n := s.Next(); !n.IsWord() {
			s.Errorf(n, "%s: expected option name.", n.Describe())
			skipRest(s, n)
			return 0, false, false
		}
		return 0, false, strings.EqualFold(t.Text, "dhcp6") || fp.otherSpace(t)
	}
	d, ok := fp.p.cfg.Catalogue.ByName(t.Text)
	if !ok {
		s.Errorf(t, "no option named %s in space dhcp", t.Text)
		s.SkipToSemi()
		return 0, false, false
	}
	return d.Code, true, true
}

// otherSpace warns about a name in an option space leased does not know.
func (fp *fileParser) otherSpace(t isctext.Token) bool {
	fp.s.Warnf(t, "option space %s ignored.", t.Text)
	return true
}

func (fp *fileParser) setList(sc *Settings, which string, codes []uint8, also bool) {
	if which == "request" {
		if also {
			base := sc.Request
			if sc.set&fRequest == 0 {
				base = fp.p.cfg.Global.Request
			}
			codes = append(slices.Clone(base), codes...)
		}
		sc.Request, sc.RequestSet, sc.set = codes, true, sc.set|fRequest
		return
	}
	if also {
		base := sc.Require
		if sc.set&fRequire == 0 {
			base = fp.p.cfg.Global.Require
		}
		codes = append(slices.Clone(base), codes...)
	}
	sc.Require, sc.set = codes, sc.set|fRequire
}

// send reads `send NAME VALUE;` or `send NAME = EXPR;`, EXPR being a
// value, gethostname() or hardware.
func (fp *fileParser) send(sc *Settings) {
	s := fp.s
	def, ok := fp.optionName()
	if !ok {
		return
	}
	if s.Peek().Is('=') {
		s.Next()
		switch keyword(s.Peek()) {
		case "gethostname":
			t := s.Next()
			if !s.Next().Is('(') || !s.Next().Is(')') {
				s.Errorf(t, "expecting gethostname().")
				s.SkipToSemi()
				return
			}
			if s.ExpectSemi() {
				sc.Send = setSend(sc.Send, SendOption{Code: def.Code, Expr: ExprHostname})
			}
			return
		case "hardware":
			s.Next()
			if s.ExpectSemi() {
				sc.Send = setSend(sc.Send, SendOption{Code: def.Code, Expr: ExprHardware})
			}
			return
		}
	}
	if data, ok := fp.value(def); ok {
		sc.Send = setSend(sc.Send, SendOption{Code: def.Code, Data: data})
	}
}

// modifier reads default, supersede, prepend or append NAME VALUE;.
func (fp *fileParser) modifier(sc *Settings, kw string) {
	def, ok := fp.optionName()
	if !ok {
		return
	}
	if fp.s.Peek().Is('=') {
		fp.s.Next()
	}
	data, ok := fp.value(def)
	if !ok {
		return
	}
	target := map[string]*dhcp4.Options{
		"default": &sc.Default, "supersede": &sc.Supersede,
		"prepend": &sc.Prepend, "append": &sc.Append,
	}[kw]
	target.Set(def.Code, data)
}

// optionName reads an option name in the DHCPv4 space.
func (fp *fileParser) optionName() (dhcp4.Def, bool) {
	return lease.OptionName(fp.s, fp.p.cfg.Catalogue)
}

// value reads value text up to ';' and converts it for def.
func (fp *fileParser) value(def dhcp4.Def) ([]byte, bool) {
	s := fp.s
	from := s.Mark()
	first := s.Peek()
	for !s.Peek().Is(';') {
		t := s.Peek()
		if t.Kind == isctext.EOF || t.Is('{') || t.Is('}') {
			s.Errorf(t, "semicolon expected.")
			return nil, false
		}
		s.Next()
	}
	text := s.Text(from)
	s.Next()
	data, err := fp.p.cfg.Catalogue.ParseValue(def.Code, text)
	if err != nil {
		s.Wrap(first, fmt.Errorf("%s: %w", def.Name, err))
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
