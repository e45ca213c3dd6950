package lease

import (
	"strings"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Ref is an option name as dhclient.conf and lease files spell it: NAME
// for a DHCP option, SPACE.NAME for an option of another space, such as
// fqdn.server-update (ISC parse_option_name).
type Ref struct {
	Def   dhcp4.Def    // the DHCP option, when IsSub is false
	Sub   dhcp4.SubDef // the option of another space, when IsSub is true
	IsSub bool
	// Unknown: the name was "unknown-NNN", as ISC writes an option it
	// has no definition for (dhcp4.Undefined).
	Unknown bool
}

// Name returns the name as written: "host-name" or "fqdn.fqdn".
func (r Ref) Name() string {
	if r.IsSub {
		return r.Sub.FullName()
	}
	return r.Def.Name
}

// Type returns the option's type.
func (r Ref) Type() dhcp4.Type {
	if r.IsSub {
		return r.Sub.Type
	}
	return r.Def.Type
}

// ParseValue converts value text for the option (dhcp4
// Catalogue.ParseValue).
func (r Ref) ParseValue(text string) ([]byte, error) {
	return r.Type().ParseValue(text)
}

// OptionRef reads an option name, "NAME" or "SPACE.NAME", and looks it up
// in cat. An unknown space or name is reported with ISC's message and the
// statement skipped.
func OptionRef(s *isctext.Scanner, cat *dhcp4.Catalogue) (Ref, bool) {
	t := s.Next()
	if !t.IsWord() {
		s.Errorf(t, "%s: expected option name.", t.Describe())
		skipUnlessSemi(s, t)
		return Ref{}, false
	}
	if !s.Peek().Is('.') {
		if d, ok := cat.ByName(t.Text); ok {
			return Ref{Def: d, Unknown: strings.HasPrefix(strings.ToLower(t.Text), "unknown-")}, true
		}
		s.Errorf(t, "no option named %s in space dhcp", t.Text)
		s.SkipToSemi()
		return Ref{}, false
	}
	s.Next()
	n := s.Next()
	if !n.IsWord() {
		s.Errorf(n, "expecting identifier after option space.")
		skipUnlessSemi(s, n)
		return Ref{}, false
	}
	space := t.Text
	if V6Space(space) {
		s.Warnf(t, "DHCPv6 option %s.%s ignored.", space, n.Text)
		s.SkipToSemi()
		return Ref{}, false
	}
	if strings.EqualFold(space, "dhcp") {
		space = "dhcp"
		if d, ok := cat.ByName(n.Text); ok {
			return Ref{Def: d}, true
		}
	} else if !cat.HasSpace(space) {
		s.Errorf(t, "no option space named %s.", space)
		s.SkipToSemi()
		return Ref{}, false
	} else if d, ok := cat.SubByName(space, n.Text); ok {
		return Ref{Sub: d, IsSub: true}, true
	}
	s.Errorf(n, "no option named %s in space %s", n.Text, space)
	s.SkipToSemi()
	return Ref{}, false
}

// V6Space reports whether name is one of ISC's DHCPv6 option spaces,
// which a DHCPv4 client has no use for (common/tables.c: dhcp6, vsio,
// isc6).
func V6Space(name string) bool {
	return name == "dhcp6" || name == "vsio" || name == "isc6"
}
