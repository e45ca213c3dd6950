package dhcp4

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseValue converts option value text, as FormatLease writes it and as
// dhclient.conf statements (send, supersede, default ...) hold it, into
// option bytes for code: numbers, booleans, dotted quads, quoted text,
// colon-separated hex or quoted text for strings, quoted domain names;
// array items separated by commas, record fields by spaces. Empty text
// gives empty data (a zero-length option). Errors wrap ErrBadValue.
func (c *Catalogue) ParseValue(code uint8, text string) ([]byte, error) {
	return c.ByCode(code).Type.parse(text)
}

// ParseValue converts value text into data of type t, as
// Catalogue.ParseValue does for an option of that type.
func (t Type) ParseValue(text string) ([]byte, error) { return t.parse(text) }

// parse converts text into data of type t; see ParseValue.
func (t Type) parse(text string) ([]byte, error) {
	toks, err := lexValue(text)
	if err != nil {
		return nil, fmt.Errorf("value %q: %w", text, err)
	}
	out := []byte{}
	l := t.layout()
	if len(toks) == 0 {
		if len(l.atoms) == 1 && l.atoms[0].c == 'd' {
			out = append(out, 0) // ISC prints the root name as nothing
		}
		return out, nil
	}
	p := &valueParser{toks: toks}
	for {
		if out, err = p.record(out, l.atoms); err != nil {
			return nil, fmt.Errorf("value %q for %s: %w", text, t, err)
		}
		if !l.record || p.done() {
			break
		}
		p.comma()
	}
	if !p.done() {
		return nil, fmt.Errorf("value %q for %s: unexpected %q: %w", text, t, p.toks[0].text, ErrBadValue)
	}
	return out, nil
}

// valueParser walks the tokens of one value.
type valueParser struct {
	toks []token
}

func (p *valueParser) done() bool { return len(p.toks) == 0 }

// comma skips one comma token, if present.
func (p *valueParser) comma() bool {
	if len(p.toks) > 0 && p.toks[0].kind == tokComma {
		p.toks = p.toks[1:]
		return true
	}
	return false
}

// next returns the next token, which must not be a comma.
func (p *valueParser) next() (token, error) {
	if len(p.toks) == 0 || p.toks[0].kind == tokComma {
		return token{}, fmt.Errorf("missing value: %w", ErrBadValue)
	}
	t := p.toks[0]
	p.toks = p.toks[1:]
	return t, nil
}

// record appends one record of atoms.
func (p *valueParser) record(out []byte, atoms []atom) ([]byte, error) {
	var err error
	for _, a := range atoms {
		switch {
		case a.array:
			for first := true; !p.done(); first = false {
				if !first {
					p.comma()
				}
				if out, err = p.atom(out, a); err != nil {
					return nil, err
				}
			}
		case a.fixedSize() < 0 && p.done():
			// An empty trailing variable-length field; ISC prints the
			// root domain name as nothing, so nothing reads as the root.
			if a.c == 'd' {
				out = append(out, 0)
			}
		default:
			if out, err = p.atom(out, a); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// atom appends one value of a.
func (p *valueParser) atom(out []byte, a atom) ([]byte, error) {
	if a.c == 'D' || a.c == 'd' {
		return p.names(out, a)
	}
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	switch a.c {
	case 't', 'X', 'E':
		return appendStringToken(out, tok, a.c == 't')
	case 'Z':
		return nil, fmt.Errorf("zerolen takes no value: %w", ErrBadValue)
	}
	if tok.kind != tokWord {
		return nil, fmt.Errorf("%s: quoted %q: %w", a, tok.text, ErrBadValue)
	}
	return appendFixedWord(out, a.c, tok.text)
}

// appendStringToken appends quoted text, or for strings colon hex. Text
// may also be a bare identifier, as ISC's parser takes it (common/parse.c
// parse_option_token: a STRING or is_identifier): send host-name myhost;.
func appendStringToken(out []byte, tok token, textOnly bool) ([]byte, error) {
	if tok.kind == tokString {
		d, ok := unescapeText(tok.text)
		if !ok {
			return nil, fmt.Errorf("bad escape in %q: %w", tok.text, ErrBadValue)
		}
		return append(out, d...), nil
	}
	if textOnly {
		if isIdentifier(tok.text) {
			return append(out, tok.text...), nil
		}
		return nil, fmt.Errorf("text must be quoted: %q: %w", tok.text, ErrBadValue)
	}
	return appendHexWord(out, tok.text)
}

// isIdentifier reports whether w is one of ISC's name tokens, which its
// lexer reads as letters, digits, '-' and '_' (common/conflex.c
// read_num_or_name), and not a number.
func isIdentifier(w string) bool {
	digits := true
	for _, c := range w {
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_':
			digits = false
		default:
			return false
		}
	}
	return w != "" && !digits
}

// appendHexWord appends colon-separated hex bytes such as "de:ad:0:1".
func appendHexWord(out []byte, w string) ([]byte, error) {
	for _, h := range strings.Split(w, ":") {
		v, err := strconv.ParseUint(h, 16, 8)
		if err != nil || len(h) > 2 {
			return nil, fmt.Errorf("hex byte %q: %w", h, ErrBadValue)
		}
		out = append(out, byte(v))
	}
	return out, nil
}

// names appends domain names: one for 'd', else a comma-separated list
// that runs to the end of the value. Names are quoted, as ISC writes a
// domain list; a 'd' name may also be a bare word, as ISC writes that
// type. A comma before the first name is skipped: ISC writes one there
// when fixed fields come before the list (rdnss-selection).
func (p *valueParser) names(out []byte, a atom) ([]byte, error) {
	var names [][][]byte
	for first := true; !p.done(); first = false {
		if comma := p.comma(); !first && !comma {
			break
		}
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if tok.kind != tokString && (a.c != 'd' || tok.kind != tokWord) {
			return nil, fmt.Errorf("domain name must be quoted: %q: %w", tok.text, ErrBadValue)
		}
		labels, err := parseNameText(tok.text)
		if err != nil {
			return nil, fmt.Errorf("domain name %q: %w: %w", tok.text, err, ErrBadValue)
		}
		names = append(names, labels)
		if a.c == 'd' {
			break
		}
	}
	return appendNames(out, names, a.comp), nil
}

// appendFixedWord appends a number, boolean or address.
func appendFixedWord(out []byte, c byte, w string) ([]byte, error) {
	switch c {
	case 'f':
		switch strings.ToLower(w) {
		case "true", "on":
			return append(out, 1), nil
		case "false", "off":
			return append(out, 0), nil
		}
		return nil, fmt.Errorf("boolean %q: %w", w, ErrBadValue)
	case 'I', '6':
		a, err := netip.ParseAddr(w)
		if err != nil || (c == 'I') != a.Is4() {
			return nil, fmt.Errorf("address %q: %w", w, ErrBadValue)
		}
		return append(out, a.AsSlice()...), nil
	case 'T':
		if strings.EqualFold(w, "infinite") {
			return binary.BigEndian.AppendUint32(out, InfiniteLease), nil
		}
	}
	return appendInt(out, c, w)
}

// appendInt appends an integer of the width of c read as ISC reads one
// (common/parse.c convert_num): an optional minus sign, then hex after
// "0x", octal after a leading 0, else decimal; a value fits when it
// fits the width either signed or unsigned, whatever c's signedness, so
// "-1" is 0xffffffff for an unsigned integer 32 and "200" is 0xc8 for a
// signed integer 8.
func appendInt(out []byte, c byte, w string) ([]byte, error) {
	size := atom{c: c}.fixedSize()
	digits, negative := strings.CutPrefix(w, "-")
	base := 10
	if h, ok := strings.CutPrefix(strings.ToLower(digits), "0x"); ok {
		base, digits = 16, h
	} else if len(digits) > 1 && digits[0] == '0' {
		base = 8
	}
	u, err := strconv.ParseUint(digits, base, 64)
	bits := size * 8
	limit := uint64(1)<<bits - 1
	if negative {
		limit = 1 << (bits - 1)
	}
	if err != nil || u > limit {
		return nil, fmt.Errorf("integer %q: %w", w, ErrBadValue)
	}
	if negative {
		u = -u
	}
	for i := size - 1; i >= 0; i-- {
		out = append(out, byte(u>>(8*i)))
	}
	return out, nil
}
