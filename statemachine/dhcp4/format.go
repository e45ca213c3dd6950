package dhcp4

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// style selects between ISC's two text forms (reference §3.4).
type style struct {
	lease bool // lease-file form: commas between array items, quoted text
}

// sep is the separator between array items: "," in the lease file, " "
// in the environment (pretty_print_option's emit_commas).
func (s style) sep() string {
	if s.lease {
		return ","
	}
	return " "
}

// FormatEnv formats option data as ISC exports it to hooks: array items
// separated by spaces, text unquoted but escaped (reference §3.4). Empty
// data gives "": ISC exports no variable for a zero-length option. Data
// that does not fit the option's type is an error wrapping ErrBadValue
// (ISC would export "<error>" or drop the excess bytes).
func (c *Catalogue) FormatEnv(code uint8, data []byte) (string, error) {
	return c.ByCode(code).Type.format(data, style{})
}

// FormatLease formats option data as ISC writes it in a lease file, the
// text that follows "option NAME ": array items separated by commas, text
// and domain names quoted (reference §3.4, §5.1). Empty data gives "", for
// "option NAME;". Unlike ISC, a trailing NUL of a text value is kept (as
// \000), so that ParseValue gives back the same bytes.
func (c *Catalogue) FormatLease(code uint8, data []byte) (string, error) {
	return c.ByCode(code).Type.format(data, style{lease: true})
}

// format renders data in style st.
func (t Type) format(data []byte, st style) (string, error) {
	if len(data) == 0 {
		return "", nil
	}
	l := t.layout()
	var b strings.Builder
	for first := true; len(data) > 0; first = false {
		if !first {
			b.WriteString(st.sep())
		}
		n, err := formatRecord(&b, l.atoms, data, st)
		if err == nil && n == 0 {
			err = fmt.Errorf("%d bytes for a zero-length type: %w", len(data), ErrBadValue)
		}
		if err != nil {
			return "", fmt.Errorf("format %s: %w", t, err)
		}
		data = data[n:]
		if !l.record && len(data) > 0 {
			return "", fmt.Errorf("format %s: %d extra bytes: %w", t, len(data), ErrBadValue)
		}
	}
	return b.String(), nil
}

// formatRecord writes one record from the start of d, fields separated by
// spaces, and returns the number of bytes used.
func formatRecord(b *strings.Builder, atoms []atom, d []byte, st style) (int, error) {
	used := 0
	for i, a := range atoms {
		if a.array {
			n, err := formatArray(b, a, d[used:], st, i > 0)
			return used + n, err
		}
		if a.fixedSize() < 0 && used == len(d) {
			break // an empty trailing variable-length field prints nothing
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		n, err := formatAtom(b, a, d[used:], st)
		if err != nil {
			return 0, err
		}
		used += n
	}
	return used, nil
}

// formatArray writes the items of a trailing uniform array ('a').
func formatArray(b *strings.Builder, a atom, d []byte, st style, space bool) (int, error) {
	used := 0
	for used < len(d) {
		if used > 0 {
			b.WriteString(st.sep())
		} else if space {
			b.WriteByte(' ')
		}
		n, err := formatAtom(b, a, d[used:], st)
		if err != nil {
			return 0, err
		}
		used += n
	}
	return used, nil
}

// formatAtom writes one value of a from the start of d and returns the
// number of bytes used; variable-length atoms use all of d.
func formatAtom(b *strings.Builder, a atom, d []byte, st style) (int, error) {
	if size := a.fixedSize(); size >= 0 {
		if len(d) < size {
			return 0, fmt.Errorf("%s needs %d bytes, have %d: %w", a, size, len(d), ErrBadValue)
		}
		return size, formatFixed(b, a.c, d[:size], st)
	}
	switch a.c {
	case 't':
		quoted(b, st, func() { escapeText(b, d, "", !st.lease) })
	case 'd', 'D':
		return len(d), formatNames(b, a.c, d, st)
	default: // 'X', 'E': text when printable, else hex (reference §3.4)
		if isTextLike(d) {
			quoted(b, st, func() { escapeText(b, d, "", !st.lease) })
		} else {
			writeHex(b, d)
		}
	}
	return len(d), nil
}

// quoted runs body between double quotes in the lease-file style.
func quoted(b *strings.Builder, st style, body func()) {
	if st.lease {
		b.WriteByte('"')
	}
	body()
	if st.lease {
		b.WriteByte('"')
	}
}

// formatFixed writes one fixed-size value.
func formatFixed(b *strings.Builder, c byte, d []byte, st style) error {
	switch c {
	case 'f':
		if st.lease && d[0] > 1 {
			return fmt.Errorf("boolean %d: %w", d[0], ErrBadValue)
		}
		b.WriteString(strconv.FormatBool(d[0] != 0))
	case 'b':
		b.WriteString(strconv.Itoa(int(int8(d[0]))))
	case 'B':
		b.WriteString(strconv.Itoa(int(d[0])))
	case 's':
		b.WriteString(strconv.Itoa(int(int16(binary.BigEndian.Uint16(d)))))
	case 'S':
		b.WriteString(strconv.Itoa(int(binary.BigEndian.Uint16(d))))
	case 'l':
		b.WriteString(strconv.Itoa(int(int32(binary.BigEndian.Uint32(d)))))
	case 'L':
		b.WriteString(strconv.FormatUint(uint64(binary.BigEndian.Uint32(d)), 10))
	case 'T':
		if v := binary.BigEndian.Uint32(d); v == InfiniteLease {
			b.WriteString("infinite")
		} else {
			b.WriteString(strconv.FormatUint(uint64(v), 10))
		}
	case 'I':
		b.WriteString(netip.AddrFrom4([4]byte(d)).String())
	case '6':
		b.WriteString(netip.AddrFrom16([16]byte(d)).String())
	}
	return nil
}

// formatNames writes a domain list ('D', RFC 3397) or one name ('d'): in
// the environment space-separated with trailing dots, in the lease file
// quoted and separated by ", " (reference §3.4).
func formatNames(b *strings.Builder, c byte, d []byte, st style) error {
	names, err := readNames(d)
	if err != nil {
		return fmt.Errorf("domain list: %w: %w", err, ErrBadValue)
	}
	if c == 'd' && len(names) != 1 {
		return fmt.Errorf("domain name: %d names: %w", len(names), ErrBadValue)
	}
	for i, labels := range names {
		if i > 0 {
			if st.lease {
				b.WriteString(", ")
			} else {
				b.WriteByte(' ')
			}
		}
		if st.lease {
			quoted(b, st, func() { writeNameLease(b, labels) })
		} else {
			writeNameEnv(b, labels)
		}
	}
	return nil
}
