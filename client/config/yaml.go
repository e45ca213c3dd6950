package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

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
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(src)).Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		y.decodeError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	switch {
	case root.Kind == 0 || isNull(root):
	case root.Kind != yaml.MappingNode:
		y.nodeError(root, "expecting a mapping of settings")
	default:
		y.file(root)
	}
	return y.cfg, y.diags
}

// yamlParser turns the decoded document into a Config.
type yamlParser struct {
	cfg   *Config
	name  string
	lines []string
	diags []Diagnostic
	// merges counts what merge keys brought in (maxMerged); mergeCut
	// is set once the count went over.
	merges   int
	mergeCut bool
}

// The decoder's messages, parsed only when there is an error. Compiled
// when first used, as colonHex: a daemon that reads no YAML file keeps
// neither the programs nor the pages of regexp's compiler (README
// "Performance").
var (
	yamlLine    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+): (.*)`) })
	yamlUnknown = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^field (\S+) not found in type \S+$`) })
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
		if g := yamlLine().FindStringSubmatch(m); g != nil {
			line, _ = strconv.Atoi(g[1])
			text = g[2]
		}
		// yaml.v3 names our private Go types; say it in the file's terms.
		text = yamlUnknown().ReplaceAllString(text, `unknown key "$1"`)
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

// fileKeys are the keys of the whole file, beside those of the global
// scope.
var fileKeys = []string{"option-spaces", "options", "vendor-option-space", "db-time-format", "lease-id-format", "interfaces"}

// file applies the document's mapping: first the option spaces and
// definitions, which the scopes may name, then the global scope, then
// the interfaces.
func (y *yamlParser) file(root *yaml.Node) {
	top := map[string]*yaml.Node{}
	var global []yamlPair
	for k, v := range y.pairs(root) {
		if slices.Contains(fileKeys, k.Value) {
			top[k.Value] = v
		} else {
			global = append(global, yamlPair{k, v})
		}
	}
	y.spaces(top["option-spaces"])
	y.definitions(top["options"])
	var vendor, dbTime, leaseID string
	y.decode(top["vendor-option-space"], &vendor)
	y.decode(top["db-time-format"], &dbTime)
	y.decode(top["lease-id-format"], &leaseID)
	if vendor != "" {
		if err := y.cfg.Catalogue.SetVendorSpace(vendor); err != nil {
			y.nodeError(top["vendor-option-space"], "vendor-option-space: vendor option space %s not found.", vendor)
		}
	}
	switch dbTime {
	case "", "default":
	case "local":
		y.cfg.DBTimeFormat = lease.TimeLocal
	default:
		y.nodeError(top["db-time-format"], "db-time-format: expecting local or default, got %q", dbTime)
	}
	switch leaseID {
	case "":
	case "octal":
		y.cfg.LeaseIDFormatStated = true
	case "hex":
		y.cfg.LeaseIDFormat, y.cfg.LeaseIDFormatStated = lease.IDHex, true
	default:
		y.nodeError(top["lease-id-format"], "lease-id-format: expecting octal or hex, got %q", leaseID)
	}
	y.scope(&y.cfg.Global, global, "")
	y.interfaces(top["interfaces"])
}

// interfaces applies interfaces: {NAME: {scope}}.
func (y *yamlParser) interfaces(n *yaml.Node) {
	for k, v := range y.pairs(y.mappingOrNil(n, "interfaces")) {
		var keys []yamlPair
		for kk, vv := range y.pairs(y.mappingOrNil(v, "interface "+k.Value)) {
			keys = append(keys, yamlPair{kk, vv})
		}
		s := &Settings{}
		y.scope(s, keys, k.Value)
		y.cfg.Interfaces[k.Value] = s
	}
}

// yamlPair is a key and its value.
type yamlPair struct{ key, value *yaml.Node }

// pairs yields the key and value nodes of mapping n in order; a key that
// appears again is an error, as when yaml.v3 decodes a mapping. Merge keys
// (<<: *anchor, or a list of them) add the keys of their mappings that n
// does not set, the earlier ones first, as yaml.v3 merges them.
func (y *yamlParser) pairs(n *yaml.Node) func(func(*yaml.Node, *yaml.Node) bool) {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		seen := map[string]int{}
		var merged []*yaml.Node
		for k, v := range mapping(resolve(n)) {
			if k.Tag == "!!merge" {
				merged = append(merged, v)
				continue
			}
			if line, dup := seen[k.Value]; dup {
				y.nodeError(k, "mapping key %q already defined at line %d", k.Value, line)
				continue
			}
			seen[k.Value] = k.Line
			if !yield(k, v) {
				return
			}
		}
		for k, v := range y.merged(merged) {
			if _, set := seen[k.Value]; set {
				continue
			}
			seen[k.Value] = k.Line
			if !yield(k, v) {
				return
			}
		}
	}
}

// maxMerged bounds the mappings and keys that merge keys bring in, all
// together, so that a file of a few lines cannot make the walk
// exponential (each alias is walked again wherever it is merged).
const maxMerged = 10000

// merged yields the pairs of the mappings that merge keys name, in order,
// following their own merge keys.
func (y *yamlParser) merged(values []*yaml.Node) func(func(*yaml.Node, *yaml.Node) bool) {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		for _, v := range values {
			v = resolve(v)
			list := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				list = v.Content
			}
			for _, m := range list {
				m = resolve(m)
				if m.Kind != yaml.MappingNode {
					y.nodeError(m, "map merge requires map or sequence of maps as the value")
					continue
				}
				if y.merges += 1 + len(m.Content)/2; y.merges > maxMerged {
					if !y.mergeCut {
						y.nodeError(m, "merge keys bring in more than %d keys; the rest are ignored", maxMerged)
					}
					y.mergeCut = true
					return
				}
				var inner []*yaml.Node
				for k, v := range mapping(m) {
					if k.Tag == "!!merge" {
						inner = append(inner, v)
					} else if !yield(k, v) {
						return
					}
				}
				for k, v := range y.merged(inner) {
					if !yield(k, v) {
						return
					}
				}
			}
		}
	}
}

// resolve returns the node an alias stands for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// mappingOrNil returns n when it is a mapping; nil for an absent or
// null value, and after reporting any other.
func (y *yamlParser) mappingOrNil(n *yaml.Node, what string) *yaml.Node {
	n = resolve(n)
	switch {
	case n == nil || isNull(n):
		return nil
	case n.Kind != yaml.MappingNode:
		y.nodeError(n, "%s: expecting a mapping", what)
		return nil
	}
	return n
}

// isNull reports whether n is an empty value (key: with nothing after).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// decode decodes n, when present, into v, reporting what does not fit.
func (y *yamlParser) decode(n *yaml.Node, v any) bool {
	if n == nil {
		return false
	}
	if err := n.Decode(v); err != nil {
		y.decodeError(err)
		return false
	}
	return true
}

// spaces applies option-spaces: {NAME: {code-width: N, length-width: N}}
// in order.
func (y *yamlParser) spaces(n *yaml.Node) {
	for k, v := range y.pairs(y.mappingOrNil(n, "option-spaces")) {
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
	for k, v := range y.pairs(y.mappingOrNil(n, "options")) {
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
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}
