package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// yamlScope is the YAML form of Settings: the dhclient.conf statement
// names as keys. Option maps stay yaml.Nodes to keep their order.
type yamlScope struct {
	Timeout         *uint32   `yaml:"timeout"`
	Retry           *uint32   `yaml:"retry"`
	SelectTimeout   *uint32   `yaml:"select-timeout"`
	Reboot          *uint32   `yaml:"reboot"`
	BackoffCutoff   *uint32   `yaml:"backoff-cutoff"`
	InitialInterval *uint32   `yaml:"initial-interval"`
	InitialDelay    *uint32   `yaml:"initial-delay"`
	Request         *[]string `yaml:"request"`
	Require         *[]string `yaml:"require"`
	Send            yaml.Node `yaml:"send"`
	Default         yaml.Node `yaml:"default"`
	Supersede       yaml.Node `yaml:"supersede"`
	Prepend         yaml.Node `yaml:"prepend"`
	Append          yaml.Node `yaml:"append"`
	Reject          []string  `yaml:"reject"`
	Script          *string   `yaml:"script"`
	Hardware        *string   `yaml:"hardware"`

	ARPCheck           *string `yaml:"arp-check"`
	RouteMetric        *uint32 `yaml:"route-metric"`
	RouteTable         *uint32 `yaml:"route-table"`
	ConfigureInterface *string `yaml:"configure-interface"`
	SetMTU             *bool   `yaml:"set-mtu"`
	ClasslessRoutes    *bool   `yaml:"classless-routes"`
	ClientID           *string `yaml:"client-id"`
	ControlSocket      *string `yaml:"control-socket"`
	ReleaseOnStop      *bool   `yaml:"release-on-stop"`
	LinkWatch          *bool   `yaml:"link-watch"`
	SleepWatch         *bool   `yaml:"sleep-watch"`
	IPv4LL             *bool   `yaml:"ipv4ll"`
	IPv4LLRetry        *uint32 `yaml:"ipv4ll-retry"`
	ForceRenew         *bool   `yaml:"forcerenew"`
	HookTimeout        *uint32 `yaml:"hook-timeout"`
}

// yamlFile is the whole YAML document.
type yamlFile struct {
	yamlScope `yaml:",inline"`
	// OptionSpaces declares spaces: {NAME: {code-width: N, length-width: N}}.
	OptionSpaces      yaml.Node            `yaml:"option-spaces"`
	VendorOptionSpace string               `yaml:"vendor-option-space"`
	Options           yaml.Node            `yaml:"options"`
	DBTimeFormat      string               `yaml:"db-time-format"`
	LeaseIDFormat     string               `yaml:"lease-id-format"`
	Interfaces        map[string]yamlScope `yaml:"interfaces"`
}

// yamlDef is an option definition: options: {NAME: {code: N, type: T}},
// NAME being SPACE.NAME for an option of a declared space.
type yamlDef struct {
	Code uint32 `yaml:"code"`
	Type string `yaml:"type"`
}

// yamlSpace is a space declaration; widths default to 1 as in ISC.
type yamlSpace struct {
	CodeWidth   *int `yaml:"code-width"`
	LengthWidth *int `yaml:"length-width"`
}

// ParseYAML reads the YAML configuration named name (for messages). It is
// strict: an unknown key or a value of the wrong kind is an error with its
// line. What could be read still applies.
func ParseYAML(r io.Reader, name string) (*Config, []Diagnostic) {
	b, err := readLimited(r, name)
	if err != nil {
		return New(), []Diagnostic{{File: name, Message: err.Error()}}
	}
	return parseYAML(b, name)
}

func parseYAML(src []byte, name string) (*Config, []Diagnostic) {
	y := &yamlParser{cfg: New(), name: name, lines: strings.Split(string(src), "\n")}
	var f yamlFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		y.decodeError(err)
	}
	y.apply(&f)
	return y.cfg, y.diags
}

// yamlParser turns the decoded document into a Config.
type yamlParser struct {
	cfg   *Config
	name  string
	lines []string
	diags []Diagnostic
}

var (
	yamlLine    = regexp.MustCompile(`line (\d+): (.*)`)
	yamlUnknown = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// decodeError reports the decoder's errors, one per line it names.
func (y *yamlParser) decodeError(err error) {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line, text := 0, strings.TrimPrefix(m, "yaml: ")
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ = strconv.Atoi(g[1])
			text = g[2]
		}
		// yaml.v3 names our private Go types; say it in the file's terms.
		text = yamlUnknown.ReplaceAllString(text, `unknown key "$1"`)
		y.errorAt(line, 0, "%s", text)
	}
}

// errorAt records an error at line and column (1-based; 0 if unknown).
func (y *yamlParser) errorAt(line, col int, format string, args ...any) {
	d := Diagnostic{File: y.name, Line: line, Column: col, Caret: col, Message: fmt.Sprintf(format, args...)}
	if line > 0 && line <= len(y.lines) {
		d.Source = y.lines[line-1]
	}
	y.diags = append(y.diags, d)
}

// warnAt records a warning at line and column.
func (y *yamlParser) warnAt(line, col int, format string, args ...any) {
	y.errorAt(line, col, format, args...)
	y.diags[len(y.diags)-1].Warning = true
}

func (y *yamlParser) nodeError(n *yaml.Node, format string, args ...any) {
	y.errorAt(n.Line, n.Column, format, args...)
}

func (y *yamlParser) apply(f *yamlFile) {
	y.spaces(&f.OptionSpaces)
	y.definitions(&f.Options)
	if f.VendorOptionSpace != "" {
		if err := y.cfg.Catalogue.SetVendorSpace(f.VendorOptionSpace); err != nil {
			y.errorAt(0, 0, "vendor-option-space: vendor option space %s not found.", f.VendorOptionSpace)
		}
	}
	switch f.DBTimeFormat {
	case "", "default":
	case "local":
		y.cfg.DBTimeFormat = lease.TimeLocal
	default:
		y.errorAt(0, 0, "db-time-format: expecting local or default, got %q", f.DBTimeFormat)
	}
	switch f.LeaseIDFormat {
	case "", "octal":
	case "hex":
		y.cfg.LeaseIDFormat = lease.IDHex
	default:
		y.errorAt(0, 0, "lease-id-format: expecting octal or hex, got %q", f.LeaseIDFormat)
	}
	y.scope(&y.cfg.Global, &f.yamlScope, "")
	for name, sc := range f.Interfaces {
		s := &Settings{}
		y.scope(s, &sc, name)
		y.cfg.Interfaces[name] = s
	}
}

// spaces applies option-spaces: {NAME: {code-width: N, length-width: N}}
// in order.
func (y *yamlParser) spaces(n *yaml.Node) {
	for k, v := range y.mapping(n, "option-spaces") {
		var sp yamlSpace
		if err := v.Decode(&sp); err != nil {
			y.nodeError(v, "option space %s: %v", k.Value, err)
			continue
		}
		code, length := 1, 1
		if sp.CodeWidth != nil {
			code = *sp.CodeWidth
		}
		if sp.LengthWidth != nil {
			length = *sp.LengthWidth
		}
		if err := y.cfg.Catalogue.DefineSpace(k.Value, code, length); err != nil {
			y.nodeError(k, "option space %s: %v", k.Value, err)
		}
	}
}

// definitions applies options: {NAME: {code: N, type: T}} in order.
func (y *yamlParser) definitions(n *yaml.Node) {
	cat := y.cfg.Catalogue
	for k, v := range mapping(n) {
		var d yamlDef
		if err := v.Decode(&d); err != nil {
			y.nodeError(v, "option %s: %v", k.Value, err)
			continue
		}
		typ, err := dhcp4.ParseType(d.Type)
		if sp, ok := typ.Encapsulates(); err == nil && ok && !cat.HasSpace(sp) {
			err = fmt.Errorf("unknown option space %s", sp)
		}
		space, name, sub := strings.Cut(k.Value, ".")
		switch {
		case err != nil || d.Code == 0 || (!sub && d.Code > 254):
			y.nodeError(v, "option %s: bad definition (code %d, type %q)", k.Value, d.Code, d.Type)
		case sub:
			if err := cat.DefineSub(dhcp4.SubDef{Space: space, Name: name, Code: d.Code, Type: typ}); err != nil {
				y.nodeError(k, "option %s: %v", k.Value, err)
			}
		default:
			cat.Define(dhcp4.Def{Name: k.Value, Code: uint8(d.Code), Type: typ})
		}
	}
}

// mapping yields the key and value nodes of a mapping node in order.
func mapping(n *yaml.Node) func(func(*yaml.Node, *yaml.Node) bool) {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}
