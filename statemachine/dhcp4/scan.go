package dhcp4

// wireLayout is what scan learns of a message in one pass over its bytes,
// without copying or allocating anything: whether Parse would decode it
// (fail.Err nil) or where it is malformed, how many options its fields
// hold, and the values of options 52 and 53.
type wireLayout struct {
	fail    ParseError
	options int
	// The concatenated length (RFC 3396) of option 52 in the main field
	// and of option 53 in every field, and the first byte of each: a
	// value only when the length is 1.
	overloadLen, typeLen int
	overload, msgType    byte
}

// scan reads the wireLayout of b. The options in sname and file are walked
// only when option 52 in the main field says so (RFC 2131 §4.1), file
// before sname, as Parse decodes them.
func scan(b []byte) wireLayout {
	var l wireLayout
	switch {
	case len(b) < headerLen:
		l.fail = ParseError{Offset: len(b), Field: "header", Err: ErrTruncated}
	case len(b) > maxWireLen:
		l.fail = ParseError{Offset: maxWireLen, Field: "message", Err: ErrTooLong}
	case [4]byte(b[fixedLen:headerLen]) != MagicCookie:
		l.fail = ParseError{Offset: fixedLen, Field: "cookie", Err: ErrBadCookie}
	default:
		_ = l.walk(b[headerLen:], headerLen, "options", true) &&
			(l.overloadField()&1 == 0 || l.walk(b[fileOff:fileOff+fileLen], fileOff, "file", false)) &&
			(l.overloadField()&2 == 0 || l.walk(b[snameOff:snameOff+snameLen], snameOff, "sname", false))
	}
	return l
}

// walk counts the options of one field, up to the end option, and
// records options 52 (main is the main field) and 53; false, with l.fail
// set, when an option overruns the field. base is the field's offset in
// the message, for the error.
func (l *wireLayout) walk(area []byte, base int, field string, main bool) bool {
	for i := 0; i < len(area); {
		code := area[i]
		switch code {
		case OptPad:
			i++
			continue
		case OptEnd:
			return true
		}
		if i+2 > len(area) || i+2+int(area[i+1]) > len(area) {
			l.fail = ParseError{Offset: base + i, Field: field, Err: ErrTruncated}
			return false
		}
		n := int(area[i+1])
		l.options++
		switch {
		case code == OptOverload && main:
			l.overload = firstByte(l.overload, &l.overloadLen, area[i+2:i+2+n])
		case code == OptMessageType:
			l.msgType = firstByte(l.msgType, &l.typeLen, area[i+2:i+2+n])
		}
		i += 2 + n
	}
	return true
}

// firstByte adds one occurrence of an option to the concatenated length
// *total and returns the first byte of the concatenation: v, or the
// first byte of data when nothing came before it.
func firstByte(v byte, total *int, data []byte) byte {
	if *total == 0 && len(data) > 0 {
		v = data[0]
	}
	*total += len(data)
	return v
}

// overloadField is option 52 of the main field, or 0 when it is absent or
// not one valid byte.
func (l *wireLayout) overloadField() uint8 {
	if l.overloadLen != 1 || l.overload > 3 {
		return 0
	}
	return l.overload
}

// Peek returns b's message type (option 53; 0 when absent or not one
// byte) and why Parse would refuse b: ErrTruncated, ErrTooLong or
// ErrBadCookie, the Err of Parse's *ParseError, or nil. It allocates
// nothing, so that a reader can shed what it does not want before any
// copy (issue 12).
func Peek(b []byte) (MessageType, error) {
	l := scan(b)
	if l.fail.Err != nil {
		return 0, l.fail.Err
	}
	if l.typeLen != 1 {
		return 0, nil
	}
	return MessageType(l.msgType), nil
}
