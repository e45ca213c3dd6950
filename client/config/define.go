package config

import (
	"net"
	"strconv"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// define reads `NAME code N = TYPE;` after "option" (ISC
// parse_option_code_definition, reference §2.4). A known name or code is
// redefined.
func (fp *fileParser) define() {
	s := fp.s
	name := s.Next()
	if !name.IsWord() {
		s.Errorf(name, "%s: expected option name.", name.Describe())
		skipRest(s, name)
		return
	}
	if t := s.Next(); keyword(t) != "code" {
		s.Errorf(t, "expecting \"code\" keyword.")
		skipRest(s, t)
		return
	}
	num := s.Next()
	code, err := strconv.ParseUint(num.Text, 10, 8)
	if !num.IsNumber() || err != nil || code == 0 || code == 255 {
		s.Errorf(num, "expecting option code number.")
		skipRest(s, num)
		return
	}
	if t := s.Next(); !t.Is('=') {
		s.Errorf(t, "expecting \"=\"")
		skipRest(s, t)
		return
	}
	from, first := s.Mark(), s.Peek()
	for !s.Peek().Is(';') && s.Peek().Kind != isctext.EOF {
		s.Next()
	}
	typ, err := dhcp4.ParseType(s.Text(from))
	if err != nil {
		s.Wrap(first, err)
		s.SkipToSemi()
		return
	}
	if s.ExpectSemi() {
		fp.p.cfg.Catalogue.Define(dhcp4.Def{Name: name.Text, Code: uint8(code), Type: typ})
	}
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
	s.ExpectSemi()
}
