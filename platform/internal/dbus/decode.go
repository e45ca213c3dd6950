package dbus

import (
	"encoding/binary"
	"fmt"
)

// frameLength returns the length of the whole message that starts with
// the fixed header hdr (at least 16 bytes), in either byte order. It
// fails only when the stream cannot be followed past this message: an
// unknown byte order or protocol version, or a length beyond the
// specification's limits. A length over maxMessageSize is returned, so
// that the caller can skip the message.
func frameLength(hdr []byte) (int, error) {
	if len(hdr) < fixedHeaderLen {
		return 0, fmt.Errorf("%w: fixed header truncated", errMalformed)
	}
	order, err := byteOrder(hdr[0])
	if err != nil {
		return 0, err
	}
	if hdr[3] != 1 {
		return 0, fmt.Errorf("%w: protocol version %d", errMalformed, hdr[3])
	}
	bodyLen := uint64(order.Uint32(hdr[4:]))
	fieldsLen := uint64(order.Uint32(hdr[12:]))
	if fieldsLen > maxSpecArrayLen {
		return 0, fmt.Errorf("%w: header fields of %d bytes", errMalformed, fieldsLen)
	}
	// The fixed header is 16 bytes, so the body starts at the next
	// multiple of 8 after the header fields.
	total := fixedHeaderLen + (fieldsLen+7)&^7 + bodyLen
	if total > maxSpecMessageSize {
		return 0, fmt.Errorf("%w: length %d", errMalformed, total)
	}
	return int(total), nil
}

// byteOrder decodes the endianness flag, the first byte of a message.
func byteOrder(flag byte) (binary.ByteOrder, error) {
	switch flag {
	case 'l':
		return binary.LittleEndian, nil
	case 'B':
		return binary.BigEndian, nil
	}
	return nil, fmt.Errorf("%w: byte order %q", errMalformed, flag)
}

// decodeMessage decodes b, which must hold exactly one message of at most
// maxMessageSize bytes. The body is kept encoded, in b; see
// (*message).args. Messages of unknown types decode, for the caller to
// ignore, as the specification requires.
func decodeMessage(b []byte) (*message, error) {
	total, err := frameLength(b)
	switch {
	case err != nil:
		return nil, err
	case total > maxMessageSize:
		return nil, errMessageTooLarge
	case total != len(b):
		return nil, fmt.Errorf("%w: %d bytes for a message of %d", errMalformed, len(b), total)
	}
	order, _ := byteOrder(b[0]) // checked by frameLength
	m := &message{
		Type:      msgType(b[1]),
		Flags:     msgFlags(b[2]),
		Serial:    order.Uint32(b[8:]),
		BigEndian: b[0] == 'B',
	}
	switch {
	case m.Type == 0: // D-Bus Specification, "Message Types": INVALID
		return nil, fmt.Errorf("%w: message type 0", errMalformed)
	case m.Serial == 0:
		return nil, fmt.Errorf("%w: serial 0", errMalformed)
	}
	fieldsEnd := fixedHeaderLen + int(order.Uint32(b[12:]))
	bodyStart := align(fieldsEnd, 8)
	r := &wireReader{b: b[:bodyStart], off: fixedHeaderLen, end: fieldsEnd, order: order}
	if err := r.headerFields(m); err != nil {
		return nil, err
	}
	m.Body = b[bodyStart:]
	if err := checkHeader(m); err != nil {
		return nil, err
	}
	return m, nil
}

// checkHeader checks the fields that m's type requires and that the body
// and its signature are both present or both absent: every type takes at
// least one byte on the wire.
func checkHeader(m *message) error {
	have := map[int]bool{
		fieldPath: m.Path != "", fieldInterface: m.Interface != "", fieldMember: m.Member != "",
		fieldErrorName: m.ErrorName != "", fieldReplySerial: m.ReplySerial != 0,
	}
	for _, code := range required(m.Type) {
		if !have[code] {
			return fmt.Errorf("%w: message type %d without header field %d", errMalformed, m.Type, code)
		}
	}
	if (m.Signature == "") != (len(m.Body) == 0) {
		return fmt.Errorf("%w: signature %q for a body of %d bytes", errMalformed, m.Signature, len(m.Body))
	}
	return nil
}

// args decodes the body by its signature. Only basic types other than
// the fixed-size integers the watcher never receives are supported: y
// (byte), b (bool), u (uint32), h (unixFDIndex), s, o and g (string).
func (m *message) args() ([]any, error) {
	r := &wireReader{b: m.Body, end: len(m.Body), order: m.order()}
	args := make([]any, 0, len(m.Signature))
	for i := range len(m.Signature) {
		v, err := r.value(m.Signature[i])
		if err != nil {
			return nil, err
		}
		if idx, ok := v.(unixFDIndex); ok && uint32(idx) >= m.UnixFDs {
			return nil, fmt.Errorf("%w: descriptor %d of %d", errMalformed, idx, m.UnixFDs)
		}
		args = append(args, v)
	}
	if r.off != r.end {
		return nil, fmt.Errorf("%w: %d bytes after the body's arguments", errMalformed, r.end-r.off)
	}
	return args, nil
}

// errorText returns the message of an ERROR, its first argument when that
// is a string, or "".
func (m *message) errorText() string {
	if m.Signature == "" || m.Signature[0] != 's' {
		return ""
	}
	r := &wireReader{b: m.Body, end: len(m.Body), order: m.order()}
	s, _ := r.text('s') // "" when malformed
	return s
}

// order returns the byte order of the body.
func (m *message) order() binary.ByteOrder {
	if m.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}
