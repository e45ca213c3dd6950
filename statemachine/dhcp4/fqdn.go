package dhcp4

// Option 81 (RFC 4702 §2) is flags, RCODE1, RCODE2 and a name. ISC
// presents it as the fqdn option space (common/tables.c): one virtual
// option per field, and hostname and domainname split off the name. These
// functions follow ISC's fqdn_universe_decode and
// fqdn_option_space_encapsulate (common/options.c, 4.4.3) byte for byte,
// quirks included, because hooks and lease files show their results.

// RFC 4702 §2.1 flag bits.
const (
	fqdnFlagS = 0x01 // the server does the A RR update
	fqdnFlagO = 0x02 // the server overrode the client's S bit
	fqdnFlagE = 0x04 // the name is in RFC 1035 wire form
)

// fqdnField is one decoded field: a code of the fqdn space and its data.
type fqdnField struct {
	code uint32
	data []byte
}

// decodeFQDN splits option 81 data into the fqdn space's options in ISC's
// order: encoded, hostname, domainname, fqdn, no-client-update,
// server-update, rcode1, rcode2. Data under three bytes gives nothing.
// ISC's mapping and quirks are kept: no-client-update shows the O bit
// (RFC 4702's N bit is ignored); an ASCII name ending in a NUL loses it
// and sets no-client-update; in wire form the domainname keeps the dot
// before it, and an unterminated name is all hostname; a label over 63
// bytes or running past the data stops the decoding after encoded.
func decodeFQDN(d []byte) []fqdnField {
	n := len(d)
	if n < 3 {
		return nil
	}
	// bp is ISC's work buffer: encoded, no-client-update, server-update,
	// rcode1, rcode2, then the name and two spare NULs.
	bp := make([]byte, n+4)
	copy(bp[3:], d[1:])
	bp[0] = boolByte(d[0]&fqdnFlagE != 0)
	out := []fqdnField{{FQDNEncoded, bp[0:1]}}
	bp[1], bp[2] = boolByte(d[0]&fqdnFlagO != 0), boolByte(d[0]&fqdnFlagS != 0)
	var names []fqdnField
	var ok bool
	if bp[0] == 0 {
		names = fqdnASCII(d, bp)
	} else if names, ok = fqdnWire(bp, n); !ok {
		return out
	}
	out = append(out, names...)
	return append(out,
		fqdnField{FQDNNoClientUpdate, bp[1:2]}, fqdnField{FQDNServerUpdate, bp[2:3]},
		fqdnField{FQDNRcode1, bp[3:4]}, fqdnField{FQDNRcode2, bp[4:5]})
}

// fqdnASCII returns hostname, domainname and fqdn of an ASCII name (d
// from byte 3; bp holds it from byte 5). The hostname ends at the first
// dot; a single label has no domainname.
func fqdnASCII(d, bp []byte) []fqdnField {
	n := len(d)
	if d[n-1] == 0 { // "Some broken clients NUL-terminate this option."
		n--
		bp[1] = 1
	}
	i := 3
	for i < n && d[i] != '.' {
		i++
	}
	i -= 3
	var out []fqdnField
	if i > 0 {
		out = append(out, fqdnField{FQDNHostname, bp[5 : 5+i]})
	}
	if n > 4+i {
		out = append(out, fqdnField{FQDNDomainname, bp[6+i : 2+n]})
	}
	if n > 3 {
		out = append(out, fqdnField{FQDNFQDN, bp[5 : 2+n]})
	}
	return out
}

// fqdnWire turns a wire-form name (bp from byte 5, n the option length)
// into dotted text in place, as ISC does, and returns hostname,
// domainname and fqdn; ok is false for a label ISC refuses.
func fqdnWire(bp []byte, n int) (out []fqdnField, ok bool) {
	total, first, terminated := 0, 0, false
	for s := 5; s < n+2; {
		l := int(bp[s])
		if l > 63 || s+l > n+3 {
			return nil, false
		}
		if l == 0 {
			terminated = true
			break
		}
		if first == 0 {
			first = l
		}
		bp[s] = '.'
		s, total = s+l+1, total+l+1
	}
	if total > 0 {
		total--
	}
	if !terminated {
		first = total
	}
	if first > 0 {
		out = append(out, fqdnField{FQDNHostname, bp[6 : 6+first]})
	}
	if total > 0 && first != total {
		out = append(out, fqdnField{FQDNDomainname, bp[6+first : 6+total]})
	}
	if total > 0 {
		out = append(out, fqdnField{FQDNFQDN, bp[6 : 6+total]})
	}
	return out, true
}

// boolByte returns 1 for true and 0 for false, ISC's boolean bytes.
func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// encodeFQDN builds option 81 from the fqdn space's values, as ISC's
// client sends it: server-update sets S, no-client-update sets O (ISC's
// mapping; RFC 4702 §2.1 defines N for "no server update", which ISC
// never sets), encoded sets E and puts the fqdn in RFC 1035 wire form,
// otherwise it goes as ASCII; rcode1 and rcode2 default to 0. hostname
// and domainname are not sent: only fqdn carries the name.
func encodeFQDN(vals map[uint32][]byte) []byte {
	on := func(code uint32) bool { v := vals[code]; return len(v) > 0 && v[0] != 0 }
	out := []byte{0, 0, 0}
	if on(FQDNNoClientUpdate) {
		out[0] |= fqdnFlagO
	}
	if on(FQDNServerUpdate) {
		out[0] |= fqdnFlagS
	}
	if v := vals[FQDNRcode1]; len(v) > 0 {
		out[1] = v[0]
	}
	if v := vals[FQDNRcode2]; len(v) > 0 {
		out[2] = v[0]
	}
	name := vals[FQDNFQDN]
	switch {
	case on(FQDNEncoded):
		out[0] |= fqdnFlagE
		if len(name) > 0 {
			out = appendFQDNWire(out, name)
		}
	default:
		out = append(out, name...)
	}
	return out
}

// appendFQDNWire appends name in RFC 1035 wire form as ISC's fqdn_encode
// does: labels end at a dot or a NUL, an empty label is the root and ends
// the name, and a trailing dot adds nothing. Like ISC it does not check
// label lengths; the configuration should.
func appendFQDNWire(out, name []byte) []byte {
	for i := 0; i < len(name); {
		j := i
		for j < len(name) && name[j] != '.' && name[j] != 0 {
			j++
		}
		out = append(out, byte(j-i))
		if j == i {
			return out
		}
		out = append(out, name[i:j]...)
		i = j + 1
	}
	return append(out, 0)
}
