package dbus

import (
	"encoding/binary"
	"fmt"
)

// wireReader decodes D-Bus values from b[off:end] in the given byte
// order. Offsets are relative to b[0], which must sit at a multiple of 8
// in the message, so that they align as on the wire. Every read checks
// its bounds first.
type wireReader struct {
	b     []byte
	off   int
	end   int
	order binary.ByteOrder
}

// headerFieldType is the variant type each known header field must hold,
// by code; 0 marks code 0, which is invalid.
var headerFieldType = [...]byte{0, 'o', 's', 's', 's', 'u', 's', 's', 'g', 'u'}

// fixedSize is the wire size of the fixed-size basic types.
var fixedSize = map[byte]int{'y': 1, 'n': 2, 'q': 2, 'b': 4, 'i': 4, 'u': 4, 'h': 4, 'x': 8, 't': 8, 'd': 8}

// headerFields decodes the header field array a(yv), whose elements fill
// b[off:end], into m, then checks the padding up to len(b), where the
// body starts. Unknown fields of basic types are skipped, as the
// specification requires.
func (r *wireReader) headerFields(m *message) error {
	var seen uint32
	for r.off < r.end {
		if err := r.pad(8); err != nil {
			return err
		}
		code, err := r.u8()
		if err != nil {
			return err
		}
		sig, err := r.text('g')
		if err != nil {
			return err
		}
		if err := r.headerField(m, code, sig, &seen); err != nil {
			return err
		}
	}
	r.end = len(r.b)
	return r.pad(8)
}

// headerField decodes the value of one header field, of variant type sig.
func (r *wireReader) headerField(m *message, code byte, sig string, seen *uint32) error {
	if int(code) >= len(headerFieldType) {
		return r.skip(sig)
	}
	switch {
	case code == 0:
		return fmt.Errorf("%w: header field 0", errMalformed)
	case *seen&(1<<code) != 0:
		return fmt.Errorf("%w: header field %d twice", errMalformed, code)
	case sig != string(headerFieldType[code]):
		return fmt.Errorf("%w: header field %d of type %q", errMalformed, code, sig)
	}
	*seen |= 1 << code
	v, err := r.value(sig[0])
	if err != nil {
		return err
	}
	setHeaderField(m, code, v)
	return nil
}

// setHeaderField stores v, of the type headerFieldType gives for code.
func setHeaderField(m *message, code byte, v any) {
	switch code {
	case fieldPath:
		m.Path = v.(string)
	case fieldInterface:
		m.Interface = v.(string)
	case fieldMember:
		m.Member = v.(string)
	case fieldErrorName:
		m.ErrorName = v.(string)
	case fieldReplySerial:
		m.ReplySerial = v.(uint32)
	case fieldDestination:
		m.Destination = v.(string)
	case fieldSender:
		m.Sender = v.(string)
	case fieldSignature:
		m.Signature = v.(string)
	case fieldUnixFDs:
		m.UnixFDs = v.(uint32)
	}
}

// skip passes over a value of an unknown header field, which must be of
// a basic type: nothing else has ever been defined for a header field.
func (r *wireReader) skip(sig string) error {
	if len(sig) != 1 || !isBasicType(sig[0]) {
		return fmt.Errorf("%w: unknown header field of type %q", errUnsupportedSignature, sig)
	}
	if size, ok := fixedSize[sig[0]]; ok {
		if err := r.pad(size); err != nil {
			return err
		}
		_, err := r.take(size)
		return err
	}
	_, err := r.text(sig[0])
	return err
}

// value decodes one value of basic type code: y as byte, b as bool, u as
// uint32, h as unixFDIndex, s, o and g as string.
func (r *wireReader) value(code byte) (any, error) {
	switch code {
	case 'y':
		return r.u8()
	case 'b':
		v, err := r.u32()
		if err == nil && v > 1 {
			err = fmt.Errorf("%w: boolean %d", errMalformed, v)
		}
		return v == 1, err
	case 'u':
		return r.u32()
	case 'h':
		v, err := r.u32()
		return unixFDIndex(v), err
	case 's', 'o', 'g':
		return r.text(code)
	}
	return nil, fmt.Errorf("type %q: %w", code, errUnsupportedSignature)
}

// text decodes a string, object path or signature and checks it.
func (r *wireReader) text(code byte) (string, error) {
	var n uint32
	var err error
	if code == 'g' {
		var n8 byte
		n8, err = r.u8()
		n = uint32(n8)
	} else {
		n, err = r.u32()
	}
	if err != nil {
		return "", err
	}
	if uint64(n) >= uint64(r.end-r.off) {
		return "", fmt.Errorf("%w: string of %d bytes truncated", errMalformed, n)
	}
	raw, _ := r.take(int(n) + 1) // in bounds, checked above
	s := string(raw[:n])
	switch {
	case raw[n] != 0:
		return "", fmt.Errorf("%w: string not NUL-terminated", errMalformed)
	case !validString(s),
		code == 'o' && !validObjectPath(s),
		code == 'g' && !validSignature(s):
		return "", fmt.Errorf("%w: invalid value %q of type %q", errMalformed, s, code)
	}
	return s, nil
}

func (r *wireReader) u8() (byte, error) {
	b, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *wireReader) u32() (uint32, error) {
	if err := r.pad(4); err != nil {
		return 0, err
	}
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return r.order.Uint32(b), nil
}

// take returns the next n bytes.
func (r *wireReader) take(n int) ([]byte, error) {
	if n > r.end-r.off {
		return nil, fmt.Errorf("%w: truncated at offset %d", errMalformed, r.off)
	}
	b := r.b[r.off : r.off+n]
	r.off += n
	return b, nil
}

// pad skips to the next multiple of n, over padding that must be NUL.
func (r *wireReader) pad(n int) error {
	next := align(r.off, n)
	if next > r.end {
		return fmt.Errorf("%w: truncated at offset %d", errMalformed, r.off)
	}
	for _, c := range r.b[r.off:next] {
		if c != 0 {
			return fmt.Errorf("%w: padding not NUL at offset %d", errMalformed, r.off)
		}
	}
	r.off = next
	return nil
}
