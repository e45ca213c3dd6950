package dhcp4

import "strings"

// Type is an ISC option type (reference §2.4), such as "ip-address" or
// "array of { ip-address, ip-address }". It is held as ISC's internal
// format string ("IA", "fIa", "Dc" ...), so Types compare with ==. The zero
// Type is ISC's type for undefined options, string (format "X").
type Type struct {
	code string
}

// atom is one element of a type's format string.
type atom struct {
	c     byte   // ISC format letter: f b s l B S L T I 6 t X d D Z E
	comp  bool   // D only: RFC 1035 compression allowed ("Dc")
	space string // E only: the encapsulated option space
	array bool   // 'a': this last atom repeats to the end of the data
}

// layout is a decoded format string: a record of atoms, repeated as a
// whole when record is set ('A').
type layout struct {
	atoms  []atom
	record bool
}

// fixedSize returns the wire size of fixed-size atoms, or -1 for the
// variable-length ones, which must come last in a record.
func (a atom) fixedSize() int {
	switch a.c {
	case 'f', 'b', 'B':
		return 1
	case 's', 'S':
		return 2
	case 'l', 'L', 'T', 'I':
		return 4
	case '6':
		return 16
	case 'Z':
		return 0
	}
	return -1
}

// layout decodes the format string. Letters that only steer ISC's parser
// ('o', 'e', 'F') are ignored; an unknown letter is read as string data.
func (t Type) layout() layout {
	code := t.code
	if code == "" {
		code = "X"
	}
	var l layout
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case 'A':
			l.record = true
		case 'a':
			if n := len(l.atoms); n > 0 {
				l.atoms[n-1].array = true
			}
		case 'c':
			if n := len(l.atoms); n > 0 {
				l.atoms[n-1].comp = true
			}
		case 'o', 'e', 'F':
		case 'E', 'N':
			end := strings.IndexByte(code[i:], '.')
			if end < 0 {
				end = len(code) - i
			}
			l.atoms = append(l.atoms, atom{c: 'E', space: code[i+1 : i+end]})
			i += end
		default:
			if (atom{c: c}).fixedSize() < 0 && !strings.ContainsRune("tXdD", rune(c)) {
				c = 'X'
			}
			l.atoms = append(l.atoms, atom{c: c})
		}
	}
	// A single repeated atom is an array whichever letter says so.
	if len(l.atoms) == 1 && l.atoms[0].array {
		l.atoms[0].array, l.record = false, true
	}
	return l
}

var atomNames = map[byte]string{
	'f': "boolean", 'b': "signed integer 8", 's': "signed integer 16",
	'l': "signed integer 32", 'B': "unsigned integer 8", 'S': "unsigned integer 16",
	'L': "unsigned integer 32", 'T': "lease-time", 'I': "ip-address",
	'6': "ip6-address", 't': "text", 'X': "string", 'd': "domain-name",
	'D': "domain-list", 'Z': "zerolen",
}

func (a atom) String() string {
	switch {
	case a.c == 'E':
		return "encapsulate " + a.space
	case a.c == 'D' && a.comp:
		return "domain-list compressed"
	}
	return atomNames[a.c]
}

// String returns the type in dhclient.conf syntax, which ParseType reads
// back: "array of unsigned integer 16", "{ boolean, ip-address, text }".
func (t Type) String() string {
	l := t.layout()
	if len(l.atoms) == 1 {
		if l.record {
			return "array of " + l.atoms[0].String()
		}
		return l.atoms[0].String()
	}
	parts := make([]string, len(l.atoms))
	for i, a := range l.atoms {
		parts[i] = a.String()
		if a.array {
			parts[i] = "array of " + parts[i]
		}
	}
	s := "{ " + strings.Join(parts, ", ") + " }"
	if l.record {
		s = "array of " + s
	}
	return s
}

// Format returns ISC's internal format string, such as "IA" (reference
// §2.4), for diagnostics.
func (t Type) Format() string {
	if t.code == "" {
		return "X"
	}
	return t.code
}

// Encapsulates returns the option space of an "encapsulate SPACE" field
// of t, if it has one.
func (t Type) Encapsulates() (string, bool) {
	for _, a := range t.layout().atoms {
		if a.c == 'E' {
			return a.space, true
		}
	}
	return "", false
}
