package config

import (
	"slices"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
)

// optionList reads `name, name, ...;` for request or require (ISC
// parse_option_list). Only DHCPv4
// options go into a v4 list (client/dhclient.c make_client_options): names
// of other spaces (fqdn.fqdn, dhcp6.*) are checked and then left out, as
// ISC leaves them out of the parameter request list and the requested_*
// variables. An empty list is allowed: `request;` sends no parameter
// request list.
func (fp *fileParser) optionList() ([]uint8, bool) {
	s := fp.s
	var codes []uint8
	for first := true; ; first = false {
		t := s.Peek()
		if first && t.Is(';') {
			s.Next()
			break
		}
		if code, ok, good := fp.listName(); !good {
			return nil, false
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
			return nil, false
		}
	}
	return codes, true
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
		return fp.listSubName(t)
	}
	d, ok := fp.p.cfg.Catalogue.ByName(t.Text)
	if !ok {
		s.Errorf(t, "no option named %s in space dhcp", t.Text)
		s.SkipToSemi()
		return 0, false, false
	}
	return d.Code, true, true
}

// listSubName reads `.NAME` after the space token t of a list entry and
// checks the name: a DHCPv6 space is taken on trust, as leased does not
// know its options; "dhcp.NAME" is a DHCPv4 option.
func (fp *fileParser) listSubName(t isctext.Token) (code uint8, v4, good bool) {
	s, cat := fp.s, fp.p.cfg.Catalogue
	s.Next()
	n := s.Next()
	if !n.IsWord() {
		s.Errorf(n, "%s: expected option name.", n.Describe())
		skipRest(s, n)
		return 0, false, false
	}
	switch {
	case lease.V6Space(t.Text):
		return 0, false, true
	case t.Text == "dhcp":
		if d, ok := cat.ByName(n.Text); ok {
			return d.Code, true, true
		}
	case !cat.HasSpace(t.Text):
		s.Errorf(t, "no option space named %s.", t.Text)
		s.SkipToSemi()
		return 0, false, false
	default:
		if _, ok := cat.SubByName(t.Text, n.Text); ok {
			return 0, false, true
		}
	}
	s.Errorf(n, "no option named %s in space %s", n.Text, t.Text)
	s.SkipToSemi()
	return 0, false, false
}

// also reads `also request|require NAME, ...;`: the names go after the
// list in force in this scope, which is the outer scope's while the scope
// has set none (ISC parse_option_list with the list's current value).
func (fp *fileParser) also(sc *Settings, iface string) {
	s := fp.s
	t := s.Next()
	kw := keyword(t)
	i, ok := lookup(kw)
	if kw != "request" && kw != "require" || !ok {
		s.Errorf(t, "expected REQUEST or REQUIRE list")
		skipRest(s, t)
		return
	}
	codes, ok := fp.optionList()
	if !ok {
		return
	}
	base := *sc
	if !sc.set.has(i) {
		base = fp.p.cfg.outer(iface)
	}
	list := settings[i].field(&base).(*[]uint8)
	*settings[i].field(sc).(*[]uint8) = append(slices.Clone(*list), codes...)
	sc.set.add(i)
}
