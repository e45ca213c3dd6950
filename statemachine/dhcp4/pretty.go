package dhcp4

import (
	"fmt"
	"strings"
)

// maxPretty is ISC's MAX_OUTPUT_SIZE: a longer rendering is an error,
// except for a domain list, which is cut (see printer.names). It keeps
// every value far below the kernel's 128 KiB limit on one execve string
// (MAX_ARG_STRLEN).
const maxPretty = 32 * 1024

// printer renders option data as ISC's pretty_print_option does
// (common/options.c, 4.4.3), including its quirks, because hook scripts,
// cloud-init and NetworkManager parse what ISC wrote: extra bytes after
// the last whole item are left out, a "string" is quoted text when every
// byte is printable (a last NUL aside) and colon-hex otherwise, a single
// trailing NUL of text is dropped, and a record stops where its data ends.
type printer struct {
	data       []byte
	quotes     bool   // lease-file form: text and domain lists quoted
	comma      byte   // between array items: ',' (lease), ' ' (env), ':' (hex)
	fields     []byte // one format letter per printed field
	repeatLast bool   // 'a' (or hex): later records repeat only the last field

	recordLen   int // bytes of one record, all fields
	itemLen     int // bytes of the last fixed-size field, the one an 'a' array repeats
	optionalLen int // bytes of trailing optional ('o') fields, which may be absent
	records     int // -1 one record, -2 one of variable length, 0 an array; then the count
	cut         int // names of a domain list left out to stay under maxPretty
}

// pretty renders data of ISC format string format; quotes selects the
// lease-file form (commas and quotes) over the environment form. Where
// ISC prints "<error>" (too few bytes, a bad domain name) the result is
// an error wrapping ErrBadValue. A domain list cut short is returned with
// an error wrapping ErrCut.
func pretty(format string, data []byte, quotes bool) (string, error) {
	p := &printer{data: data, quotes: quotes, comma: ' ', records: -1}
	if quotes {
		p.comma = ','
	}
	if err := p.scan(format); err != nil {
		return "", err
	}
	if err := p.count(); err != nil {
		return "", err
	}
	s, err := p.print()
	if err == nil && p.cut > 0 {
		err = fmt.Errorf("domain list over %d bytes, %d names left out: %w", maxPretty, p.cut, ErrCut)
	}
	return s, err
}

// scan reads the format string as pretty_print_option's first loop does:
// it decides each field's letter and the size of one record.
func (p *printer) scan(format string) error {
	for i := 0; i < len(format); i++ {
		if p.records == 0 {
			break // ISC: "Extra codes in format string"
		}
		c := format[i]
		switch c {
		case 'a', 'A':
			p.repeatLast = p.repeatLast || c == 'a'
			p.records = 0
			continue
		case 'E', 'N':
			for i < len(format) && format[i] != '.' {
				i++
			}
		case 'D':
			if i+1 < len(format) && format[i+1] == 'c' {
				i++
			}
		}
		if err := p.field(c); err != nil {
			return err
		}
	}
	return nil
}

// field records one field of letter c and its size.
func (p *printer) field(c byte) error {
	p.fields = append(p.fields, c)
	switch c {
	case 'E', 'X':
		p.stringField()
	case 'D', 't', 'k':
		p.records = -2
	case 'd':
		k := nameLen(p.data, p.recordLen)
		if k < 0 {
			return fmt.Errorf("domain name: %w", ErrBadValue)
		}
		p.recordLen += k
	case 'o':
		p.optionalLen += p.itemLen
	case 'N':
		p.fields[len(p.fields)-1] = 'B' // no enumerations in DHCPv4: a number
		p.recordLen, p.itemLen = p.recordLen+1, 1
	default:
		if n := (atom{c: c}).fixedSize(); n > 0 || c == 'F' {
			n = max(n, 1)
			p.recordLen, p.itemLen = p.recordLen+n, n
		}
	}
	return nil
}

// stringField decides how a string (or encapsulation) prints: as text
// when all of the option's data is printable, a last NUL aside, else as
// an array of hex bytes. ISC looks at the whole option, not the field.
func (p *printer) stringField() {
	last := len(p.fields) - 1
	if isTextLike(p.data) {
		p.fields[last], p.records = 't', -2
		return
	}
	p.fields[last] = 'x'
	p.recordLen++
	p.comma, p.records, p.repeatLast, p.itemLen = ':', 0, true, 1
}

// count checks the length and works out how many records to print.
func (p *printer) count() error {
	n := len(p.data)
	if p.recordLen-p.optionalLen > n {
		return fmt.Errorf("expecting at least %d bytes, got %d: %w", p.recordLen, n, ErrBadValue)
	}
	switch {
	case p.records != 0:
		p.records = 1 // one record; extra bytes are left out
	case p.repeatLast && p.itemLen == 0, !p.repeatLast && p.recordLen == 0:
		return fmt.Errorf("empty array format: %w", ErrBadValue)
	case p.repeatLast:
		p.records = (max(n-p.recordLen, 0))/p.itemLen + 1
	default:
		p.records = n / p.recordLen
	}
	return nil
}

// print writes the records: fields separated by spaces, records by the
// comma, stopping as soon as the data is used up.
func (p *printer) print() (string, error) {
	var b strings.Builder
	off, n := 0, len(p.fields)
	for i := 0; i < p.records; i++ {
		j := 0
		if p.repeatLast && i != 0 && n > 0 {
			j = n - 1
		}
		for ; j < n; j++ {
			var err error
			if off, err = p.printField(&b, p.fields[j], off); err != nil {
				return "", err
			}
			if b.Len() >= maxPretty {
				return "", fmt.Errorf("longer than %d bytes: %w", maxPretty, ErrBadValue)
			}
			if off == len(p.data) {
				break
			}
			if j+1 < n && p.comma != ':' {
				b.WriteByte(' ')
			}
		}
		if i+1 < p.records {
			b.WriteByte(p.comma)
		}
		if off == len(p.data) {
			break
		}
	}
	return b.String(), nil
}

// printField writes the field of letter c that starts at off and returns the
// offset after it.
func (p *printer) printField(b *strings.Builder, c byte, off int) (int, error) {
	d := p.data
	switch c {
	case 't', 'k':
		if p.quotes {
			b.WriteByte('"')
		}
		prettyEscape(b, d[off:])
		if p.quotes {
			b.WriteByte('"')
		}
		return len(d), nil
	case 'd':
		k := nameLen(d, off)
		if k < 0 {
			return 0, fmt.Errorf("domain name: %w", ErrBadValue)
		}
		writeDname(b, wireLabels(d[off:off+k]))
		return off + k, nil
	case 'D':
		return p.names(b, off), nil
	case 'x':
		if off >= len(d) {
			return 0, fmt.Errorf("hex byte past the end: %w", ErrBadValue)
		}
		fmt.Fprintf(b, "%x", d[off])
		return off + 1, nil
	case 'F':
		b.WriteString("true")
		return off, nil
	}
	size := (atom{c: c}).fixedSize()
	if size <= 0 {
		return off, nil // 'Z', 'e', 'o' and unknown letters print nothing
	}
	if off+size > len(d) {
		return 0, fmt.Errorf("%s needs %d bytes: %w", atom{c: c}, size, ErrBadValue)
	}
	writeFixed(b, c, d[off:off+size])
	return off + size, nil
}

// wireLabels splits an uncompressed wire name that nameLen accepted into
// its labels; like ISC's pretty_dname it takes every length byte as a
// label length, pointer bits included.
func wireLabels(w []byte) [][]byte {
	var labels [][]byte
	for i := 0; i < len(w) && w[i] != 0; i += 1 + int(w[i]) {
		labels = append(labels, w[i+1:i+1+int(w[i])])
	}
	return labels
}
