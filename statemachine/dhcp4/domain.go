package dhcp4

import (
	"bytes"
	"errors"
	"strings"
)

var errBadName = errors.New("bad domain name")

// readName decodes the RFC 1035 §3.1 name that starts at off in msg,
// following compression pointers (§4.1.4) that point backwards in msg. It
// returns the labels and the number of bytes the name occupies at off.
func readName(msg []byte, off int) ([][]byte, int, error) {
	var labels [][]byte
	used, pos, jumps := -1, off, 0
	for {
		if pos >= len(msg) {
			return nil, 0, errBadName
		}
		n := int(msg[pos])
		switch {
		case n == 0:
			if used < 0 {
				used = pos + 1 - off
			}
			return labels, used, nil
		case n&0xc0 == 0xc0:
			if pos+1 >= len(msg) {
				return nil, 0, errBadName
			}
			target := (n&0x3f)<<8 | int(msg[pos+1])
			// Pointers must go backwards, which also rules out loops.
			if target >= pos || jumps > len(msg) {
				return nil, 0, errBadName
			}
			if used < 0 {
				used = pos + 2 - off
			}
			pos, jumps = target, jumps+1
		case n&0xc0 != 0:
			return nil, 0, errBadName
		default:
			if pos+1+n > len(msg) {
				return nil, 0, errBadName
			}
			labels = append(labels, msg[pos+1:pos+1+n])
			pos += 1 + n
		}
	}
}

// readNames decodes a list of names that fills d (RFC 3397 §2).
func readNames(d []byte) ([][][]byte, error) {
	var names [][][]byte
	for off := 0; off < len(d); {
		labels, n, err := readName(d, off)
		if err != nil {
			return nil, err
		}
		names = append(names, labels)
		off += n
	}
	return names, nil
}

// writeNameEnv writes a name as resolv.conf would hold it (BIND
// ns_name_ntop, which ISC uses for the environment): with a trailing dot,
// a backslash before . ; \ ( ) " @ $ and \DDD (decimal) for other bytes
// outside the printable range. The root is ".".
func writeNameEnv(b *strings.Builder, labels [][]byte) {
	if len(labels) == 0 {
		b.WriteByte('.')
		return
	}
	for _, l := range labels {
		for _, c := range l {
			switch {
			case strings.IndexByte(".;\\()\"@$", c) >= 0:
				b.WriteByte('\\')
				b.WriteByte(c)
			case c <= ' ' || c >= 0x7f:
				b.WriteByte('\\')
				b.WriteByte('0' + c/100)
				b.WriteByte('0' + c/10%10)
				b.WriteByte('0' + c%10)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('.')
	}
}

// writeNameLease writes a name for the lease file: each label escaped as
// text (with a dot inside a label escaped too, so that the name reads
// back unchanged), followed by a dot. The root is ".".
func writeNameLease(b *strings.Builder, labels [][]byte) {
	if len(labels) == 0 {
		b.WriteByte('.')
		return
	}
	for _, l := range labels {
		escapeText(b, l, ".", false)
		b.WriteByte('.')
	}
}

// parseNameText splits the inside of a quoted lease-file name into
// labels, honouring the escapes of unescapeText; "." alone is the root.
func parseNameText(s string) ([][]byte, error) {
	if s == "." {
		return nil, nil
	}
	var labels [][]byte
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 == len(s) {
				return nil, errBadName
			}
			v, n := unescapeOne(s[i+1:])
			cur = append(cur, v)
			i += n
		case '.':
			if len(cur) == 0 {
				return nil, errBadName
			}
			labels, cur = append(labels, cur), nil
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		labels = append(labels, cur)
	}
	for _, l := range labels {
		if len(l) > 63 {
			return nil, errBadName
		}
	}
	return labels, nil
}

// nameSuffix is a label sequence already written at off.
type nameSuffix struct {
	labels [][]byte
	off    int
}

// appendNames encodes names in RFC 1035 form. With compress, each name
// ends with a pointer to the longest suffix already written (RFC 1035
// §4.1.4), as servers encode option 119 (RFC 3397 §2).
func appendNames(b []byte, names [][][]byte, compress bool) []byte {
	start := len(b)
	var seen []nameSuffix
	for _, labels := range names {
		b = appendName(b, start, labels, compress, &seen)
	}
	return b
}

// appendName appends one name; see appendNames.
func appendName(b []byte, start int, labels [][]byte, compress bool, seen *[]nameSuffix) []byte {
	for i := range labels {
		if compress {
			if off, ok := findSuffix(*seen, labels[i:]); ok {
				return append(b, 0xc0|byte(off>>8), byte(off))
			}
			if off := len(b) - start; off < 0x4000 {
				*seen = append(*seen, nameSuffix{labels[i:], off})
			}
		}
		b = append(b, byte(len(labels[i])))
		b = append(b, labels[i]...)
	}
	return append(b, 0)
}

// findSuffix returns the offset of a written name equal to labels.
func findSuffix(seen []nameSuffix, labels [][]byte) (int, bool) {
	for _, s := range seen {
		if equalLabels(s.labels, labels) {
			return s.off, true
		}
	}
	return 0, false
}

// equalLabels compares label sequences case-sensitively, so that
// compression never changes a name's bytes.
func equalLabels(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
