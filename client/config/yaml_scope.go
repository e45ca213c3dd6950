package config

import (
	"net"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine/dhcp4"
)

// scope applies one YAML scope to s; iface is "" for the top level.
func (y *yamlParser) scope(s *Settings, sc *yamlScope, iface string) {
	secs := func(v *uint32, f mask, dst *time.Duration) {
		if v != nil {
			*dst, s.set = time.Duration(*v)*time.Second, s.set|f
		}
	}
	secs(sc.Timeout, fTimeout, &s.Timeout)
	secs(sc.Retry, fRetry, &s.Retry)
	secs(sc.SelectTimeout, fSelectTimeout, &s.SelectTimeout)
	secs(sc.Reboot, fReboot, &s.Reboot)
	secs(sc.BackoffCutoff, fBackoffCutoff, &s.BackoffCutoff)
	secs(sc.InitialInterval, fInitialInterval, &s.InitialInterval)
	secs(sc.InitialDelay, fInitialDelay, &s.InitialDelay)
	secs(sc.HookTimeout, fHookTimeout, &s.HookTimeout)
	if sc.Request != nil {
		s.Request, s.RequestSet, s.set = y.names(*sc.Request, "request"), true, s.set|fRequest
	}
	if sc.Require != nil {
		s.Require, s.set = y.names(*sc.Require, "require"), s.set|fRequire
	}
	y.send(s, &sc.Send)
	y.modifier(&s.Default, &sc.Default)
	y.modifier(&s.Supersede, &sc.Supersede)
	y.modifier(&s.Prepend, &sc.Prepend)
	y.modifier(&s.Append, &sc.Append)
	for _, r := range sc.Reject {
		p, err := parsePrefix(r)
		if err != nil {
			y.errorAt(0, 0, "reject: %v", err)
			continue
		}
		s.Reject = append(s.Reject, p)
	}
	if sc.Script != nil {
		s.Script, s.set = *sc.Script, s.set|fScript
	}
	y.hardware(s, sc.Hardware, iface)
	y.extensions(s, sc)
}

// names converts option names to codes, skipping other spaces (dhcp6.*)
// as dhclient.conf lists do.
func (y *yamlParser) names(list []string, what string) []uint8 {
	codes := []uint8{}
	for _, n := range list {
		if strings.Contains(n, ".") {
			continue
		}
		d, ok := y.cfg.Catalogue.ByName(n)
		if !ok {
			y.errorAt(0, 0, "%s: no option named %s in space dhcp", what, n)
			continue
		}
		codes = append(codes, d.Code)
	}
	return codes
}

// send applies send: {NAME: VALUE}; the values gethostname() and hardware
// are the expressions of dhclient.conf.
func (y *yamlParser) send(s *Settings, n *yaml.Node) {
	for k, v := range y.mapping(n, "send") {
		def, ok := y.def(k)
		if !ok {
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!str" {
			switch v.Value {
			case "gethostname()":
				s.Send = setSend(s.Send, SendOption{Code: def.Code, Expr: ExprHostname})
				continue
			case "hardware":
				s.Send = setSend(s.Send, SendOption{Code: def.Code, Expr: ExprHardware})
				continue
			}
		}
		if data, ok := y.value(def, v); ok {
			s.Send = setSend(s.Send, SendOption{Code: def.Code, Data: data})
		}
	}
}

// modifier applies default/supersede/prepend/append: {NAME: VALUE}.
func (y *yamlParser) modifier(dst *dhcp4.Options, n *yaml.Node) {
	for k, v := range y.mapping(n, "option map") {
		if def, ok := y.def(k); ok {
			if data, ok := y.value(def, v); ok {
				dst.Set(def.Code, data)
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

func (y *yamlParser) def(k *yaml.Node) (dhcp4.Def, bool) {
	d, ok := y.cfg.Catalogue.ByName(k.Value)
	if !ok {
		y.nodeError(k, "no option named %s in space dhcp", k.Value)
	}
	return d, ok
}

// value converts a YAML value to option data through the dhclient.conf
// value syntax: a list is joined with commas; a string of a text or
// domain type is quoted for the user, as is a string of the string type
// unless it is colon-hex.
func (y *yamlParser) value(def dhcp4.Def, v *yaml.Node) ([]byte, bool) {
	var text string
	switch v.Kind {
	case yaml.ScalarNode:
		text = scalarText(def, v)
	case yaml.SequenceNode:
		parts := make([]string, 0, len(v.Content))
		for _, c := range v.Content {
			parts = append(parts, scalarText(def, c))
		}
		text = strings.Join(parts, ", ")
	default:
		y.nodeError(v, "%s: expecting a value or a list", def.Name)
		return nil, false
	}
	data, err := y.cfg.Catalogue.ParseValue(def.Code, text)
	if err != nil {
		y.nodeError(v, "%s: %v", def.Name, err)
		return nil, false
	}
	return data, true
}

var colonHex = regexp.MustCompile(`^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2})*$`)

func scalarText(def dhcp4.Def, v *yaml.Node) string {
	s := v.Value
	if v.Tag != "!!str" || strings.HasPrefix(s, `"`) {
		return s
	}
	switch t := def.Type.String(); {
	case t == "text" || t == "domain-name" || strings.HasPrefix(t, "domain-list"):
		return isctext.Quote(s)
	case t == "string" && !colonHex.MatchString(s):
		return isctext.Quote(s)
	}
	return s
}

// hardware applies hardware: "ethernet XX:XX:..." (interfaces only).
func (y *yamlParser) hardware(s *Settings, hw *string, iface string) {
	if hw == nil {
		return
	}
	if iface == "" {
		y.errorAt(0, 0, "hardware address parameter not allowed here.")
		return
	}
	f := strings.Fields(*hw)
	if len(f) == 2 && f[0] == "ethernet" {
		if a, err := net.ParseMAC(f[1]); err == nil {
			s.HardwareAddr, s.set = a, s.set|fHardware
			return
		}
	}
	y.errorAt(0, 0, "interface %s: hardware: expecting \"ethernet XX:XX:XX:XX:XX:XX\", got %q", iface, *hw)
}
