package dhcp4

import (
	"errors"
	"strings"
)

var errBadName = errors.New("bad domain name")

// Limits on one decoded name: RFC 1035 §3.1 allows 255 octets, and a
// name never needs more pointers than labels, so a chain of pointers
// (a compression bomb) is cut short.
const (
	maxNameLen   = 255
	maxNameJumps = 128
)

// readName decodes the RFC 1035 §3.1 name that starts at off in msg,
// following compression pointers (§4.1.4) that point backwards in msg. It
// returns the labels and the number of bytes the name occupies at off.
func readName(msg []byte, off int) ([][]byte, int, error) {
	var labels [][]byte
	used, pos, jumps, size := -1, off, 0, 1
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
			if target >= pos || jumps >= maxNameJumps {
				return nil, 0, errBadName
			}
			if used < 0 {
				used = pos + 2 - off
			}
			pos, jumps = target, jumps+1
		case n&0xc0 != 0:
			return nil, 0, errBadName
		default:
			if size += 1 + n; pos+1+n > len(msg) || size > maxNameLen {
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

// appendNames encodes names in RFC 1035 form. With compress, each name
// ends with a pointer to the longest suffix already written (RFC 1035
// §4.1.4), as servers encode option 119 (RFC 3397 §2). Suffixes are
// compared byte for byte, so compression never changes a name.
func appendNames(b []byte, names [][][]byte, compress bool) []byte {
	start := len(b)
	seen := map[string]int{} // wire form of a written suffix -> offset
	for _, labels := range names {
		if !compress {
			b = appendLabels(b, labels)
			b = append(b, 0)
			continue
		}
		keys := suffixKeys(labels)
		i := 0
		for ; i < len(labels); i++ {
			if off, ok := seen[keys[i]]; ok {
				b = append(b, 0xc0|byte(off>>8), byte(off))
				break
			}
			if off := len(b) - start; off < 0x4000 {
				seen[keys[i]] = off
			}
			b = appendLabels(b, labels[i:i+1])
		}
		if i == len(labels) {
			b = append(b, 0)
		}
	}
	return b
}

// appendLabels appends labels as length-prefixed strings.
func appendLabels(b []byte, labels [][]byte) []byte {
	for _, l := range labels {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return b
}

// suffixKeys returns the wire form of each suffix labels[i:].
func suffixKeys(labels [][]byte) []string {
	keys := make([]string, len(labels)+1)
	for i := len(labels) - 1; i >= 0; i-- {
		keys[i] = string(appendLabels(nil, labels[i:i+1])) + keys[i+1]
	}
	return keys
}
