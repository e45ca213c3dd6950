package lease

import (
	"net/netip"
	"strings"
	"time"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// ParseBlock parses a `lease { ... }` block, the "lease" (or "alias")
// keyword already consumed, as both dhclient.leases and dhclient.conf hold
// it (ISC parse_client_lease_statement, reference §5.1). Problems are
// reported to s. An option with an unknown name or a value that does not
// fit its type is left out and the block kept, as ISC does; a block with a
// structural problem (bad address or date, unknown statement, no closing
// brace) or without interface or fixed-address is dropped: ok is false.
// Dates that are missing read as the epoch, as in ISC (expired).
func ParseBlock(s *isctext.Scanner, cat *dhcp4.Catalogue) (e Entry, ok bool) {
	if t := s.Next(); !t.Is('{') {
		s.Errorf(t, "expecting left brace.")
		skipUnlessSemi(s, t)
		return Entry{}, false
	}
	b := &block{s: s, cat: cat, ok: true}
	epoch := time.Unix(0, 0).UTC()
	b.lease = &statemachine.Lease{Renew: epoch, Rebind: epoch, Expire: epoch}
	for {
		t := s.Peek()
		if t.Kind == isctext.EOF {
			s.Errorf(t, "unterminated lease declaration.")
			return Entry{}, false
		}
		if t.Is('}') {
			s.Next()
			break
		}
		b.declaration()
	}
	if !b.ok || !b.hasIface || !b.lease.Addr.IsValid() {
		return Entry{}, false
	}
	b.encapsulate()
	return Entry{Interface: b.iface, Name: b.name, Lease: b.lease}, true
}

// block is the state of one lease block being parsed.
type block struct {
	s        *isctext.Scanner
	cat      *dhcp4.Catalogue
	lease    *statemachine.Lease
	iface    string
	name     string
	hasIface bool
	ok       bool
	subs     []dhcp4.Suboption // SPACE.NAME options, in file order
}

// declaration parses one statement inside the block (ISC
// parse_client_lease_declaration).
func (b *block) declaration() {
	s := b.s
	t := s.Next()
	kw := ""
	if t.Kind == isctext.Name {
		kw = strings.ToLower(t.Text)
	}
	var good bool
	switch kw {
	case "bootp":
		b.lease.BOOTP = true
		good = s.ExpectSemi()
	case "interface":
		b.iface, good = b.str()
		b.hasIface = b.hasIface || good
	case "name":
		b.name, good = b.str()
	case "fixed-address":
		b.lease.Addr, good = parseAddr(s)
	case "filename":
		b.lease.Filename, good = b.str()
	case "server-name":
		b.lease.ServerName, good = b.str()
	case "medium":
		b.lease.Medium, good = b.str()
	case "renew":
		b.lease.Renew, good = parseDate(s)
	case "rebind":
		b.lease.Rebind, good = parseDate(s)
	case "expire":
		b.lease.Expire, good = parseDate(s)
	case "option":
		b.option()
		return
	case "key":
		s.Warnf(t, "lease key ignored.")
		s.SkipToSemi()
		return
	default:
		s.Errorf(t, "expecting lease declaration.")
		skipUnlessSemi(s, t)
	}
	b.ok = b.ok && good
}

// str reads `"text";`.
func (b *block) str() (string, bool) {
	t := b.s.Next()
	if t.Kind != isctext.String {
		b.s.Errorf(t, "expecting string.")
		skipUnlessSemi(b.s, t)
		return "", false
	}
	return t.Text, b.s.ExpectSemi()
}

// option reads `option NAME [VALUE];` into the lease. A problem drops only
// this option (ISC parse_option_decl fails and the lease stays). Options
// of other spaces (`option fqdn.fqdn "...";`) are kept aside for
// encapsulate.
func (b *block) option() {
	ref, value, ok := ParseOptionValue(b.s, b.cat)
	switch {
	case !ok:
	case ref.IsSub:
		b.subs = append(b.subs, dhcp4.Suboption{Def: ref.Sub, Data: value})
	default:
		b.lease.Options.Set(ref.Def.Code, value)
	}
}

// encapsulate gives the lease the encapsulating options of the SPACE.NAME
// lines that it lacks. ISC 4.4 writes both the encapsulating option
// (`option fqdn 5:0:0:...;`) and its decoded sub-options, which leased
// decodes again from it; older ISC versions wrote only the sub-options,
// so those build the option, as a send statement would (RFC 4702 §2 for
// fqdn).
func (b *block) encapsulate() {
	for _, o := range b.cat.Encapsulate(b.subs) {
		if !b.lease.Options.Has(o.Code) {
			b.lease.Options.Set(o.Code, o.Data)
		}
	}
}

// ParseOptionValue reads `NAME [VALUE];` or `SPACE.NAME [VALUE];`, the
// "option" keyword consumed: the option's name in cat and its value in the
// lease-file text form of dhcp4.Catalogue.ParseValue. Problems are
// reported to s and give ok false, with s past the statement.
func ParseOptionValue(s *isctext.Scanner, cat *dhcp4.Catalogue) (ref Ref, value []byte, ok bool) {
	ref, ok = OptionRef(s, cat)
	if !ok {
		return Ref{}, nil, false
	}
	text, first, ok := s.Value()
	if !ok {
		return Ref{}, nil, false
	}
	data, err := ref.ParseValue(text)
	if err != nil && ref.Unknown {
		// Written by a dhclient that had no definition for the code (ISC
		// 4.4.3 has none for 121 and 249 without Debian's dhclient.conf):
		// the value is in the string form, whatever leased defines.
		data, err = dhcp4.Undefined(ref.Def.Code).Type.ParseValue(text)
	}
	if err != nil {
		s.Wrap(first, err)
		return Ref{}, nil, false
	}
	return ref, data, true
}

// parseAddr reads a dotted-quad IPv4 address and its ';' (ISC
// parse_ip_addr).
func parseAddr(s *isctext.Scanner) (netip.Addr, bool) {
	first := s.Peek()
	var sb strings.Builder
	for i := 0; i < 7; i++ {
		t := s.Peek()
		if i%2 == 1 && !t.Is('.') {
			break
		}
		if i%2 == 0 && !t.IsNumber() {
			break
		}
		sb.WriteString(t.Text)
		s.Next()
	}
	a, err := netip.ParseAddr(sb.String())
	if err != nil || !a.Is4() {
		s.Errorf(first, "expecting IPv4 address.")
		s.SkipToSemi()
		return netip.Addr{}, false
	}
	return a, s.ExpectSemi()
}
