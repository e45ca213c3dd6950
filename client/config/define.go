package config

import (
	"net"
	"strconv"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// define reads `NAME code N = TYPE;` after "option" (ISC
// parse_option_code_definition, reference §2.4), or `SPACE.NAME code N =
// TYPE;` for a space's option. A known name or code is redefined.
func (fp *fileParser) define() {
	s := fp.s
	name := s.Next()
	if !name.IsWord() {
		s.Errorf(name, "%s: expected option name.", name.Describe())
		skipRest(s, name)
		return
	}
	if s.Peek().Is('.') {
		fp.subDefine(name)
		return
	}
	code, typ, ok := fp.codeAndType(254)
	if ok {
		fp.p.cfg.Catalogue.Define(dhcp4.Def{Name: name.Text, Code: uint8(code), Type: typ})
	}
}

// codeAndType reads `code N = TYPE;`, N from 1 to maxCode. A type that
// encapsulates a space needs the space declared first, as in ISC.
func (fp *fileParser) codeAndType(maxCode uint64) (uint64, dhcp4.Type, bool) {
	s := fp.s
	if t := s.Next(); keyword(t) != "code" {
		s.Errorf(t, "expecting \"code\" keyword.")
		skipRest(s, t)
		return 0, dhcp4.Type{}, false
	}
	num := s.Next()
	code, err := strconv.ParseUint(num.Text, 10, 32)
	if !num.IsNumber() || err != nil || code == 0 || code > maxCode {
		s.Errorf(num, "expecting option code number.")
		skipRest(s, num)
		return 0, dhcp4.Type{}, false
	}
	if t := s.Next(); !t.Is('=') {
		s.Errorf(t, "expecting \"=\"")
		skipRest(s, t)
		return 0, dhcp4.Type{}, false
	}
	from, first := s.Mark(), s.Peek()
	for !s.Peek().Is(';') && s.Peek().Kind != isctext.EOF {
		s.Next()
	}
	typ, err := dhcp4.ParseType(s.Text(from))
	if err != nil {
		s.Wrap(first, err)
		s.SkipToSemi()
		return 0, dhcp4.Type{}, false
	}
	if sp, ok := typ.Encapsulates(); ok && !fp.p.cfg.Catalogue.HasSpace(sp) {
		s.Errorf(first, "unknown option space %s", sp)
		s.SkipToSemi()
		return 0, dhcp4.Type{}, false
	}
	return code, typ, s.ExpectSemi()
}

// hardware reads `ethernet XX:XX:...;` (ISC parse_hardware_param).
func (fp *fileParser) hardware() (net.HardwareAddr, bool) {
	s := fp.s
	t := s.Next()
	switch keyword(t) {
	case "ethernet", "token-ring", "fddi", "infiniband":
	default:
		s.Errorf(t, "expecting a network hardware type")
		skipRest(s, t)
		return nil, false
	}
	first := s.Peek()
	b, ok := lease.ParseHexOrString(s)
	if !ok {
		return nil, false
	}
	if len(b) == 0 || len(b) > 16 {
		s.Errorf(first, "bad hardware address length.")
		s.SkipToSemi()
		return nil, false
	}
	return net.HardwareAddr(b), s.ExpectSemi()
}

// dbTimeFormat reads `db-time-format default|local;`.
func (fp *fileParser) dbTimeFormat() {
	s := fp.s
	s.Next()
	t := s.Next()
	switch keyword(t) {
	case "default":
		fp.p.cfg.DBTimeFormat = lease.TimeDefault
	case "local":
		fp.p.cfg.DBTimeFormat = lease.TimeLocal
	default:
		s.Errorf(t, "Expecting 'local' or 'default'.")
		skipRest(s, t)
		return
	}
	s.ExpectSemi()
}

// leaseIDFormat reads `lease-id-format octal|hex;`.
func (fp *fileParser) leaseIDFormat() {
	s := fp.s
	s.Next()
	t := s.Next()
	switch keyword(t) {
	case "octal":
		fp.p.cfg.LeaseIDFormat = lease.IDOctal
	case "hex":
		fp.p.cfg.LeaseIDFormat = lease.IDHex
	default:
		s.Errorf(t, "lease-id-format is invalid: %s", t.Text)
		skipRest(s, t)
		return
	}
	fp.p.cfg.LeaseIDFormatStated = true
	s.ExpectSemi()
}
