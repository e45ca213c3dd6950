package config

import (
	"strconv"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// spaceDecl reads `NAME [code width N] [length width N] [hash size N];`
// after "option space" (ISC parse_option_space_decl). ISC's defaults are
// one-byte codes and lengths; the hash size only tunes ISC's tables.
func (fp *fileParser) spaceDecl() {
	s := fp.s
	name := s.Next()
	if !name.IsWord() {
		s.Errorf(name, "expecting identifier.")
		skipRest(s, name)
		return
	}
	codeW, lenW := 1, 1
	for {
		t := s.Next()
		var ok bool
		switch keyword(t) {
		case "code":
			codeW, ok = fp.width("width", "expecting number 1, 2, 4.")
		case "length":
			lenW, ok = fp.width("width", "expecting number 1 or 2.")
		case "hash":
			_, ok = fp.width("size", "expecting a 10base number")
		default:
			if t.Is(';') {
				fp.defineSpace(name, codeW, lenW)
				return
			}
			if t.Kind == isctext.EOF {
				s.Errorf(t, "semicolon expected.")
				return
			}
			s.Errorf(t, "Unexpected token.")
			ok = true
		}
		if !ok {
			return
		}
	}
}

// width reads `WORD NUMBER` of a space declaration.
func (fp *fileParser) width(word, numberMsg string) (int, bool) {
	s := fp.s
	if t := s.Next(); keyword(t) != word {
		s.Errorf(t, "expecting %s token.", word)
		skipRest(s, t)
		return 0, false
	}
	t := s.Next()
	n, err := strconv.Atoi(t.Text)
	if !t.IsNumber() || err != nil {
		s.Errorf(t, "%s", numberMsg)
		skipRest(s, t)
		return 0, false
	}
	return n, true
}

// defineSpace declares the space, with ISC's messages for bad widths.
func (fp *fileParser) defineSpace(name isctext.Token, codeW, lenW int) {
	if err := fp.p.cfg.Catalogue.DefineSpace(name.Text, codeW, lenW); err != nil {
		fp.s.Wrap(name, err)
	}
}

// subDefine reads `.SUB code N = TYPE;` after "option SPACE" and defines
// SUB in SPACE (ISC parse_option_name with allocation, then
// parse_option_code_definition).
func (fp *fileParser) subDefine(space isctext.Token) {
	s := fp.s
	s.Next() // '.'
	name := s.Next()
	if !name.IsWord() {
		s.Errorf(name, "expecting identifier after '.'")
		skipRest(s, name)
		return
	}
	if !fp.p.cfg.Catalogue.HasSpace(space.Text) {
		s.Errorf(space, "no option space named %s.", space.Text)
		s.SkipToSemi()
		return
	}
	code, typ, ok := fp.codeAndType(1<<32 - 1)
	if !ok {
		return
	}
	d := dhcp4.SubDef{Space: space.Text, Name: name.Text, Code: uint32(code), Type: typ}
	if err := fp.p.cfg.Catalogue.DefineSub(d); err != nil {
		s.Wrap(name, err)
	}
}

// vendorSpace reads `option space NAME;` after "vendor" (ISC's client
// statement), or `NAME;` after dhcpd's spelling "vendor-option-space",
// which leased accepts too: option 43 then decodes with space NAME
// (RFC 2132 §8.4). As in ISC the space is looked up when a packet comes,
// so it may be declared later; a space not declared yet gets ISC's
// message, as a warning. A quoted name is accepted too.
func (fp *fileParser) vendorSpace(kw string) {
	s := fp.s
	if kw == "vendor" {
		for _, w := range []string{"option", "space"} {
			if t := s.Next(); keyword(t) != w {
				s.Errorf(t, "expecting 'vendor option space'")
				skipRest(s, t)
				return
			}
		}
	}
	t := s.Next()
	if !t.IsWord() && t.Kind != isctext.String {
		s.Errorf(t, "expecting an identifier.")
		skipRest(s, t)
		return
	}
	if !s.ExpectSemi() {
		return
	}
	if err := fp.p.cfg.Catalogue.SetVendorSpace(t.Text); err != nil {
		s.Warnf(t, "vendor option space %s not found.", t.Text)
	}
}

// sendSub stores `send SPACE.NAME VALUE;` or `send SPACE.NAME = EXPR;`,
// as send does for a DHCP option (`send fqdn.fqdn = gethostname();`). The
// relay agent options are accepted and ignored: only relay agents send
// them (RFC 3046 §2.1), and ISC's client leaves option 82 out of what it
// sends.
func (fp *fileParser) sendSub(sc *Settings, at isctext.Token, ref lease.Ref) {
	so, ok := fp.sendValue(ref)
	if !ok {
		return
	}
	if !fp.p.cfg.Catalogue.ClientSends(ref.Sub.Space) {
		fp.s.Warnf(at, "send %s ignored: relay agent options are added by relay agents.", ref.Name())
		return
	}
	sc.SendSub = setSub(sc.SendSub, SubSend{Def: ref.Sub, SendOption: so})
}

// setSub replaces the value of x's space and code in list, or appends x.
func setSub(list []SubSend, x SubSend) []SubSend {
	for i := range list {
		if list[i].Def.Space == x.Def.Space && list[i].Def.Code == x.Def.Code {
			list[i] = x
			return list
		}
	}
	return append(list, x)
}
