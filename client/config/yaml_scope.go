package config

import (
	"regexp"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// scope applies the keys of one YAML scope to s; iface is "" for the
// top level. Each key is a row of the table of settings or one of the
// option statements.
func (y *yamlParser) scope(s *Settings, keys []yamlPair, iface string) {
	for _, p := range keys {
		k, v := p.key, p.value
		switch k.Value {
		case "send":
			y.send(s, v)
		case "default", "supersede", "prepend", "append":
			y.modifier(s, v, k.Value)
		case "reject":
			y.reject(s, v)
		default:
			y.setting(s, iface, k, v)
		}
	}
}

// setting applies the key k of a row of the table, unless the row's
// scope rule forbids it here. An empty value sets nothing.
func (y *yamlParser) setting(s *Settings, iface string, k, v *yaml.Node) {
	i, ok := lookup(k.Value)
	if !ok {
		y.nodeError(k, "unknown key %q", k.Value)
		return
	}
	r := settings[i]
	switch {
	case isNull(v):
	case r.scope == interfaceOnly && iface == "":
		y.nodeError(k, "%s not allowed here.", r.what())
	case r.scope == global && iface != "":
		y.warnAt(k.Line, k.Column, "%s ignored in an interface declaration: it applies to every interface.", r.name)
	case r.yaml(y, v, s):
		s.set.add(i)
	}
}

// reject applies reject: [ADDR[/LEN], ...].
func (y *yamlParser) reject(s *Settings, v *yaml.Node) {
	var list []string
	y.decode(v, &list)
	for _, r := range list {
		p, err := parsePrefix(r)
		if err != nil {
			y.nodeError(v, "reject: %v", err)
			continue
		}
		s.Reject = append(s.Reject, p)
	}
}

// names converts option names to codes. As in dhclient.conf lists, names
// of other spaces (fqdn.fqdn, dhcp6.*) are checked and left out.
func (y *yamlParser) names(list []string, what string) []uint8 {
	codes := []uint8{}
	for _, n := range list {
		space, name, sub := strings.Cut(n, ".")
		switch {
		case sub && lease.V6Space(space):
		case sub && space != "dhcp":
			if _, ok := y.cfg.Catalogue.SubByName(space, name); !ok {
				y.errorAt(0, 0, "%s: no option named %s in space %s", what, name, space)
			}
		default:
			if sub {
				n = name
			}
			d, ok := y.cfg.Catalogue.ByName(n)
			if !ok {
				y.errorAt(0, 0, "%s: no option named %s in space dhcp", what, n)
				continue
			}
			codes = append(codes, d.Code)
		}
	}
	return codes
}

// send applies send: {NAME: VALUE}; the values gethostname() and hardware
// are the expressions of dhclient.conf. SPACE.NAME keys send options of
// other spaces, as in dhclient.conf.
func (y *yamlParser) send(s *Settings, n *yaml.Node) {
	for k, v := range y.mapping(n, "send") {
		ref, ok := y.ref(k)
		if !ok {
			continue
		}
		if ref.IsSub {
			y.sendSub(s, k, v, ref)
			continue
		}
		if so, ok := y.sendValue(ref, v); ok {
			so.Code = ref.Def.Code
			s.Send = setSend(s.Send, so)
		}
	}
}

// sendValue reads what a send sends: the expression gethostname() or
// hardware, or a value. The caller sets the code.
func (y *yamlParser) sendValue(ref lease.Ref, v *yaml.Node) (SendOption, bool) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
		switch v.Value {
		case "gethostname()":
			return SendOption{Expr: ExprHostname}, true
		case "hardware":
			return SendOption{Expr: ExprHardware}, true
		}
	}
	data, ok := y.value(ref, v)
	return SendOption{Data: data}, ok
}

// sendSub applies a send of an option of another space; the relay agent
// options are ignored with a warning, as in dhclient.conf.
func (y *yamlParser) sendSub(s *Settings, k, v *yaml.Node, ref lease.Ref) {
	so, ok := y.sendValue(ref, v)
	if !ok {
		return
	}
	if !y.cfg.Catalogue.ClientSends(ref.Sub.Space) {
		y.warnAt(k.Line, k.Column, "send %s ignored: relay agent options are added by relay agents.", ref.Name())
		return
	}
	s.SendSub = setSub(s.SendSub, SubSend{Def: ref.Sub, SendOption: so})
}

// modifier applies default/supersede/prepend/append: {NAME: VALUE}, in
// the mapping's order.
func (y *yamlParser) modifier(s *Settings, n *yaml.Node, what string) {
	for k, v := range y.mapping(n, "option map") {
		ref, ok := y.ref(k)
		switch {
		case !ok:
		case ref.IsSub:
			y.warnAt(k.Line, k.Column, "%s %s ignored: leased applies %s to DHCP options only.", what, ref.Name(), what)
		default:
			if so, ok := y.sendValue(ref, v); ok {
				so.Code = ref.Def.Code
				s.Modifiers = append(s.Modifiers, Modifier{Kind: modifierKinds[what], SendOption: so})
			}
		}
	}
}

// mapping checks that n is a mapping (or absent) and yields its pairs.
func (y *yamlParser) mapping(n *yaml.Node, what string) func(func(*yaml.Node, *yaml.Node) bool) {
	if n.Kind != 0 && n.Kind != yaml.MappingNode {
		y.nodeError(n, "%s: expecting a mapping of option names to values", what)
	}
	return mapping(n)
}

// ref looks up an option name, NAME or SPACE.NAME.
func (y *yamlParser) ref(k *yaml.Node) (lease.Ref, bool) {
	cat := y.cfg.Catalogue
	space, name, sub := strings.Cut(k.Value, ".")
	switch {
	case !sub || space == "dhcp":
		if sub {
			k = &yaml.Node{Value: name, Line: k.Line, Column: k.Column}
		}
		d, ok := cat.ByName(k.Value)
		if !ok {
			y.nodeError(k, "no option named %s in space dhcp", k.Value)
		}
		return lease.Ref{Def: d}, ok
	case !cat.HasSpace(space):
		y.nodeError(k, "no option space named %s.", space)
		return lease.Ref{}, false
	}
	d, ok := cat.SubByName(space, name)
	if !ok {
		y.nodeError(k, "no option named %s in space %s", name, space)
	}
	return lease.Ref{Sub: d, IsSub: true}, ok
}

// value converts a YAML value to option data through the dhclient.conf
// value syntax: a list is joined with commas; a string of a text or
// domain type is quoted for the user, as is a string of the string type
// unless it is colon-hex.
func (y *yamlParser) value(ref lease.Ref, v *yaml.Node) ([]byte, bool) {
	var text string
	switch v.Kind {
	case yaml.ScalarNode:
		text = scalarText(ref.Type(), v)
	case yaml.SequenceNode:
		parts := make([]string, 0, len(v.Content))
		for _, c := range v.Content {
			parts = append(parts, scalarText(ref.Type(), c))
		}
		text = strings.Join(parts, ", ")
	default:
		y.nodeError(v, "%s: expecting a value or a list", ref.Name())
		return nil, false
	}
	data, err := ref.ParseValue(text)
	if err != nil {
		y.nodeError(v, "%s: %v", ref.Name(), err)
		return nil, false
	}
	return data, true
}

// colonHex matches colon-separated hex octets; compiled when first used.
var colonHex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$`) })

func scalarText(typ dhcp4.Type, v *yaml.Node) string {
	s := v.Value
	if v.Tag != "!!str" || strings.HasPrefix(s, `"`) {
		return s
	}
	switch t := typ.String(); {
	case t == "text" || t == "domain-name" || strings.HasPrefix(t, "domain-list"):
		return isctext.Quote(s)
	case t == "string" && !colonHex().MatchString(s):
		return isctext.Quote(s)
	}
	return s
}
