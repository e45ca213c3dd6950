package dhcp4

import (
	"errors"
	"strings"
)

var errBadName = errors.New("bad domain name")

// maxNameLen is the RFC 1035 §3.1 limit on a name's wire length, which
// ISC's decoder enforces (NS_MAXCDNAME).
const maxNameLen = 255

// unpackName decodes the RFC 1035 §3.1 name that starts at off in msg as
// ISC's MRns_name_unpack does (common/ns_name.c): a compression pointer
// (§4.1.4) may point anywhere in msg, a loop is caught by counting the
// bytes looked at, a name holds at most 255 octets, and every label must
// be followed by another byte. It returns the labels and the number of
// bytes the name occupies at off, and the bytes it looked at (label
// bytes, and two per pointer followed), which is at most len(msg).
func unpackName(msg []byte, off int) (labels [][]byte, used, checked int, ok bool) {
	if off < 0 || off >= len(msg) {
		return nil, 0, 0, false
	}
	used = -1
	src, size := off, 0
	for {
		n := int(msg[src])
		src++
		if n == 0 {
			break
		}
		switch n & 0xc0 {
		case 0:
			if size+n+1 >= maxNameLen || src+n >= len(msg) {
				return nil, 0, 0, false
			}
			labels = append(labels, msg[src:src+n])
			checked, size, src = checked+n+1, size+n+1, src+n
		case 0xc0:
			if src >= len(msg) {
				return nil, 0, 0, false
			}
			if used < 0 {
				used = src - off + 1
			}
			src = (n&0x3f)<<8 | int(msg[src])
			if checked += 2; src >= len(msg) || checked >= len(msg) {
				return nil, 0, 0, false
			}
		default:
			return nil, 0, 0, false
		}
	}
	if used < 0 {
		used = src - off
	}
	return labels, used, checked, true
}

// nameLen returns the length of the uncompressed name at off in d, its
// root label included, or -1 (ISC MRns_name_len, used for the format 'd':
// every label must be followed by another byte).
func nameLen(d []byte, off int) int {
	if off >= len(d) {
		return -1
	}
	src := off
	for {
		n := int(d[src])
		src++
		if n == 0 {
			return src - off
		}
		if src+n >= len(d) {
			return -1
		}
		src += n
	}
}

// nameSpecial are the characters BIND's ns_name_ntop escapes with a
// backslash (ISC's copy in common/ns_name.c; no parentheses there).
const nameSpecial = "\".;\\@$"

// writeNameEnv writes a name as ISC's MRns_name_ntop does, for the
// environment: labels joined by dots, a backslash before the characters
// of nameSpecial, \DDD (decimal) for bytes that are not visible ASCII; the
// root is ".". The caller adds the trailing dot ISC appends.
func writeNameEnv(b *strings.Builder, labels [][]byte) {
	if len(labels) == 0 {
		b.WriteByte('.')
		return
	}
	for i, l := range labels {
		if i > 0 {
			b.WriteByte('.')
		}
		for _, c := range l {
			switch {
			case strings.IndexByte(nameSpecial, c) >= 0:
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
	}
}

// writeDomainQuoted writes a name of a domain list for the lease file as
// ISC's pretty_domain does: in double quotes, each label escaped as text
// and followed by a dot; the root is "". A dot inside a label is not
// escaped, as in ISC, so such a label reads back as two.
func writeDomainQuoted(b *strings.Builder, labels [][]byte) {
	b.WriteByte('"')
	writeDname(b, labels)
	b.WriteByte('"')
}

// writeDname writes the labels of a name (format 'd', ISC pretty_dname),
// each escaped as text and followed by a dot, unquoted in both forms; the
// root prints nothing.
func writeDname(b *strings.Builder, labels [][]byte) {
	for _, l := range labels {
		prettyEscape(b, l)
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
