package dhcp4

// AppendBinarySized appends the wire form of m to b like AppendBinary,
// but keeps the message within max bytes (the peer's maximum DHCP message
// size, RFC 2132 §9.10; 0 means no limit). When the options do not fit the
// main field, the ones that overflow go into the file field and then the
// sname field (when those fields are empty in m), ended by option 255 each,
// and option 52 in the main field says which were used (RFC 2131 §4.1,
// RFC 2132 §9.3). An option too long for the space left is split into
// several pieces (RFC 3396). Any option 52 in m is replaced. ErrTooLong
// when even that does not fit.
func (m *Message) AppendBinarySized(b []byte, max int) ([]byte, error) {
	plain, err := m.AppendBinary(b)
	if err != nil || max <= 0 || len(plain)-len(b) <= max {
		return plain, err
	}
	b = plain[:len(b)]
	opts := m.Options.Clone()
	opts.Del(OptOverload)
	// The main field holds option 52 (3 bytes) and the end option.
	areas := []overloadArea{{room: max - headerLen - 3 - 1}}
	if m.File == "" {
		areas = append(areas, overloadArea{bit: 1, room: fileLen - 1})
	}
	if m.SName == "" {
		areas = append(areas, overloadArea{bit: 2, room: snameLen - 1})
	}
	if !fillAreas(areas, opts) {
		return b, &ParseError{Offset: max, Field: "message", Err: ErrTooLong}
	}
	var overload byte
	for _, a := range areas[1:] {
		if len(a.data) > 0 {
			overload |= a.bit
		}
	}
	start := len(b)
	sname, file := m.SName, m.File
	for _, a := range areas[1:] {
		if len(a.data) > 0 {
			field := string(append(a.data, OptEnd))
			if a.bit == 1 {
				file = field
			} else {
				sname = field
			}
		}
	}
	b = m.appendHeader(b, sname, file)
	b = append(b, OptOverload, 1, overload)
	b = append(b, areas[0].data...)
	b = append(b, OptEnd)
	for len(b)-start < minBOOTP {
		b = append(b, OptPad)
	}
	return b, nil
}

// overloadArea is one field that options can go into.
type overloadArea struct {
	bit  byte // option 52 bit: 1 file, 2 sname; 0 for the main field
	room int  // bytes left, not counting the end option
	data []byte
}

// fillAreas places the options in order into the areas, moving on to the
// next area when an option does not fit whole, and splitting an option
// only when it would not fit whole in the next area either.
func fillAreas(areas []overloadArea, opts Options) bool {
	i := 0
	for _, o := range opts {
		if o.Code == OptPad || o.Code == OptEnd {
			continue
		}
		d := o.Data
		for first := true; first || len(d) > 0; first = false {
			for i < len(areas) && !fits(areas[i:], d) {
				i++
			}
			if i == len(areas) {
				return false
			}
			n := min(len(d), 255, areas[i].room-2)
			areas[i].data = append(areas[i].data, o.Code, byte(n))
			areas[i].data = append(areas[i].data, d[:n]...)
			areas[i].room -= 2 + n
			d = d[n:]
		}
	}
	return true
}

// fits reports whether the first area should take (part of) d: all of d
// up to one 255-byte piece fits, or the piece fits no later area whole
// and at least one byte of it fits here.
func fits(areas []overloadArea, d []byte) bool {
	piece := min(len(d), 255)
	if piece+2 <= areas[0].room {
		return true
	}
	for _, a := range areas[1:] {
		if piece+2 <= a.room {
			return false
		}
	}
	return len(d) > 0 && areas[0].room >= 3
}
