package dbus

import (
	"encoding/binary"
	"fmt"
)

// appendMessage appends m in little-endian byte order, with args as its
// body encoded by m.Signature; m.Body is ignored. Only basic types are
// supported (see argEncoder.value), which is all the watcher sends.
func appendMessage(b []byte, m *message, args ...any) ([]byte, error) {
	body, err := encodeArgs(m.Signature, m.UnixFDs, args)
	if err != nil {
		return b, err
	}
	start := len(b)
	b = append(b, 'l', byte(m.Type), byte(m.Flags), 1)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	b = binary.LittleEndian.AppendUint32(b, m.Serial)
	e := argEncoder{b: binary.LittleEndian.AppendUint32(b, 0), base: start}
	if err := e.headerFields(m); err != nil {
		return b[:start], err
	}
	fieldsLen := len(e.b) - start - fixedHeaderLen
	binary.LittleEndian.PutUint32(e.b[start+12:], uint32(fieldsLen))
	e.pad(8)
	b = append(e.b, body...)
	if len(b)-start > maxMessageSize {
		return b[:start], errMessageTooLarge
	}
	return b, nil
}

// encodeArgs encodes args as a body of signature sig, whose h arguments
// index a list of unixFDs descriptors.
func encodeArgs(sig string, unixFDs uint32, args []any) ([]byte, error) {
	if !validSignature(sig) {
		return nil, fmt.Errorf("encode signature %q: invalid", sig)
	}
	if len(sig) != len(args) {
		return nil, fmt.Errorf("encode signature %q: %d arguments", sig, len(args))
	}
	var e argEncoder
	for i := range len(sig) {
		if err := e.value(sig[i], args[i]); err != nil {
			return nil, fmt.Errorf("encode argument %d: %w", i, err)
		}
		if idx, ok := args[i].(unixFDIndex); ok && uint32(idx) >= unixFDs {
			return nil, fmt.Errorf("encode argument %d: descriptor %d of %d", i, idx, unixFDs)
		}
	}
	return e.b, nil
}

// argEncoder appends little-endian values, aligned relative to b[base].
type argEncoder struct {
	b    []byte
	base int
}

// headerFields appends the header field array a(yv) of m, after its
// length, which the caller fills in.
func (e *argEncoder) headerFields(m *message) error {
	fields := []struct {
		code, sig byte
		v         any
		present   bool
	}{
		{fieldPath, 'o', m.Path, m.Path != ""},
		{fieldInterface, 's', m.Interface, m.Interface != ""},
		{fieldMember, 's', m.Member, m.Member != ""},
		{fieldErrorName, 's', m.ErrorName, m.ErrorName != ""},
		{fieldReplySerial, 'u', m.ReplySerial, m.ReplySerial != 0},
		{fieldDestination, 's', m.Destination, m.Destination != ""},
		{fieldSender, 's', m.Sender, m.Sender != ""},
		{fieldSignature, 'g', m.Signature, m.Signature != ""},
		{fieldUnixFDs, 'u', m.UnixFDs, m.UnixFDs != 0},
	}
	for _, f := range fields {
		if !f.present {
			continue
		}
		if err := e.field(f.code, f.sig, f.v); err != nil {
			return err
		}
	}
	return nil
}

// field appends one header field: the code and a variant of type sig.
func (e *argEncoder) field(code, sig byte, v any) error {
	e.pad(8)
	e.b = append(e.b, code, 1, sig, 0)
	if err := e.value(sig, v); err != nil {
		return fmt.Errorf("encode header field %d: %w", code, err)
	}
	return nil
}

// value appends v as type code, which must match v's Go type: y byte,
// b bool, u uint32, h unixFDIndex, s, o and g string.
func (e *argEncoder) value(code byte, v any) error {
	ok := true
	switch code {
	case 'y':
		var x byte
		x, ok = v.(byte)
		e.b = append(e.b, x)
	case 'b':
		var x bool
		x, ok = v.(bool)
		e.u32(boolWire(x))
	case 'u':
		var x uint32
		x, ok = v.(uint32)
		e.u32(x)
	case 'h':
		var x unixFDIndex
		x, ok = v.(unixFDIndex)
		e.u32(uint32(x))
	case 's', 'o', 'g':
		return e.text(code, v)
	default:
		return fmt.Errorf("type %q: %w", code, errUnsupportedSignature)
	}
	if !ok {
		return fmt.Errorf("%T is not of type %q", v, code)
	}
	return nil
}

// text appends a string, object path or signature after checking it.
func (e *argEncoder) text(code byte, v any) error {
	s, ok := v.(string)
	switch {
	case !ok:
		return fmt.Errorf("%T is not of type %q", v, code)
	case !validString(s),
		code == 'o' && !validObjectPath(s),
		code == 'g' && !validSignature(s):
		return fmt.Errorf("invalid value %q of type %q", s, code)
	}
	if code == 'g' {
		e.b = append(e.b, byte(len(s)))
	} else {
		e.u32(uint32(len(s)))
	}
	e.b = append(append(e.b, s...), 0)
	return nil
}

func (e *argEncoder) u32(v uint32) {
	e.pad(4)
	e.b = binary.LittleEndian.AppendUint32(e.b, v)
}

// pad appends NUL bytes up to the next multiple of n from base.
func (e *argEncoder) pad(n int) {
	for (len(e.b)-e.base)%n != 0 {
		e.b = append(e.b, 0)
	}
}

func boolWire(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
