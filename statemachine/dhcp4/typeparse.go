package dhcp4

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadType is wrapped by ParseType errors.
var ErrBadType = errors.New("bad option type")

// typeWords maps the dhclient.conf spelling of a simple type, with its
// words joined by single spaces, to its ISC format letters (common/parse.c
// parse_option_definition; reference §2.4). "integer N" without a sign
// word is signed, as in ISC.
var typeWords = map[string]string{
	"boolean":   "f",
	"integer 8": "b", "integer 16": "s", "integer 32": "l",
	"signed integer 8": "b", "signed integer 16": "s", "signed integer 32": "l",
	"unsigned integer 8": "B", "unsigned integer 16": "S", "unsigned integer 32": "L",
	"lease-time": "T",
	"ip-address": "I", "ip6-address": "6",
	"text": "t", "string": "X",
	"domain-name": "d", "domain-list": "D", "domain-list compressed": "Dc",
	"zerolen": "Z",
}

// ParseType parses an option type in dhclient.conf syntax (reference §2.4):
// a simple type ("ip-address", "unsigned integer 16", "domain-list
// compressed", "encapsulate SPACE", "zerolen"), "array of" a simple type, a
// record "{ T1, T2, ... }" whose last field may be "array of T", or "array
// of { ... }". Keywords are case-insensitive. ISC's restrictions hold: text,
// string, domain names and encapsulations cannot be arrays and must end a
// record, zerolen stands alone, and arrays do not nest.
func ParseType(text string) (Type, error) {
	s := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "{ ", "{"), " }", "}")
	s = strings.ReplaceAll(s, "{", "{ ")
	s = strings.ReplaceAll(s, "}", " }")
	array := false
	if rest, ok := strings.CutPrefix(s, "array of "); ok {
		array, s = true, rest
	}
	var code string
	var err error
	if inner, ok := strings.CutPrefix(s, "{ "); ok {
		inner, ok = strings.CutSuffix(inner, " }")
		if !ok {
			return Type{}, fmt.Errorf("type %q: unterminated record: %w", text, ErrBadType)
		}
		code, err = parseRecord(inner, array)
		if array {
			code += "A"
		}
	} else {
		code, err = parseAtom(s)
		if err == nil && array {
			err = checkArrayable(code)
			code += "A"
		}
	}
	if err != nil {
		return Type{}, fmt.Errorf("type %q: %w", text, err)
	}
	return Type{code: code}, nil
}

// parseRecord parses the comma-separated fields of a record.
func parseRecord(inner string, inArray bool) (string, error) {
	fields := strings.Split(inner, ",")
	var code strings.Builder
	for i, f := range fields {
		f = strings.TrimSpace(f)
		last := i == len(fields)-1
		elem, isArray := strings.CutPrefix(f, "array of ")
		c, err := parseAtom(elem)
		if err != nil {
			return "", err
		}
		switch {
		case c == "Z":
			return "", fmt.Errorf("zerolen in a record: %w", ErrBadType)
		case isArray && (inArray || !last):
			return "", fmt.Errorf("array of %s must be the last field of a plain record: %w", elem, ErrBadType)
		case isArray:
			if err := checkArrayable(c); err != nil {
				return "", err
			}
			c += "a"
		case !last && (atom{c: c[0]}).fixedSize() < 0:
			return "", fmt.Errorf("%s must be the last field: %w", elem, ErrBadType)
		case inArray && (atom{c: c[0]}).fixedSize() < 0:
			return "", fmt.Errorf("%s in an array: %w", elem, ErrBadType)
		}
		code.WriteString(c)
	}
	return code.String(), nil
}

// parseAtom parses one simple type.
func parseAtom(s string) (string, error) {
	if c, ok := typeWords[s]; ok {
		return c, nil
	}
	if space, ok := strings.CutPrefix(s, "encapsulate "); ok && space != "" && !strings.ContainsAny(space, " .,{}") {
		return "E" + space + ".", nil
	}
	return "", fmt.Errorf("unknown type %q: %w", s, ErrBadType)
}

// checkArrayable rejects arrays of variable-length and zero-length types.
func checkArrayable(code string) error {
	if a := (atom{c: code[0]}); a.fixedSize() <= 0 {
		return fmt.Errorf("array of %s: %w", a, ErrBadType)
	}
	return nil
}
