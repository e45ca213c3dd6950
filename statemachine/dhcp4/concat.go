package dhcp4

// ConcatNames joins the RFC 1035 name lists a and b, each compressed as
// option 119 is (RFC 3397 §2). A compression pointer is an offset from
// the start of its own list, so the bytes cannot simply be joined: as
// ISC's prepend and append do for such lists (common/tree.c
// expr_concat_dclist), both are decoded, and the names written again,
// compressed. Each list gives the names before its first bad one.
func ConcatNames(a, b []byte) []byte {
	return appendNames(nil, append(listNames(a), listNames(b)...), true)
}

// listNames decodes the names of a list, up to a bad one, within
// maxListWork bytes looked at.
func listNames(data []byte) [][][]byte {
	var names [][][]byte
	for off, work := 0, 0; off < len(data); {
		labels, k, checked, ok := unpackName(data, off)
		if work += checked; !ok || work > maxListWork {
			break
		}
		names = append(names, labels)
		off += k
	}
	return names
}
