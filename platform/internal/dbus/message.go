package dbus

import (
	"errors"
	"fmt"
)

// The D-Bus message format, as far as the sleep watcher needs it (D-Bus
// Specification, "Message Protocol"). encode.go and decode.go turn
// messages into bytes and back; both are pure.

// msgType is the message type in the fixed header.
type msgType byte

// D-Bus Specification, "Message Types".
const (
	msgMethodCall   msgType = 1
	msgMethodReturn msgType = 2
	msgError        msgType = 3
	msgSignal       msgType = 4
)

// msgFlags is the flags byte in the fixed header.
type msgFlags byte

// flagNoReplyExpected asks the receiver not to answer a method call.
const flagNoReplyExpected msgFlags = 0x1

// Header field codes and the type each one's variant must hold (D-Bus
// Specification, "Header Fields").
const (
	fieldPath        = 1 // o
	fieldInterface   = 2 // s
	fieldMember      = 3 // s
	fieldErrorName   = 4 // s
	fieldReplySerial = 5 // u
	fieldDestination = 6 // s
	fieldSender      = 7 // s
	fieldSignature   = 8 // g
	fieldUnixFDs     = 9 // u
)

// Size limits. The specification allows messages of up to 128 MiB, but
// everything the watcher exchanges with the bus and logind is a few
// hundred bytes, so a message over 64 KiB is skipped unread rather than
// buffered: a peer cannot make the daemon hold 128 MiB.
const (
	maxSpecMessageSize = 1 << 27 // D-Bus Specification, "Valid Messages"
	maxSpecArrayLen    = 1 << 26 // D-Bus Specification, "Marshaling (Wire Format)"
	maxMessageSize     = 64 << 10
	maxSignatureLen    = 255 // D-Bus Specification, "Valid Signatures"
	fixedHeaderLen     = 16
)

// Errors of the codec. Each decoding error wraps errMalformed, so that
// the connection can tell a bad message from a failed read.
var (
	errMalformed            = errors.New("malformed D-Bus message")
	errMessageTooLarge      = fmt.Errorf("%w: larger than %d bytes", errMalformed, maxMessageSize)
	errUnsupportedSignature = errors.New("unsupported D-Bus signature")
)

// message is one D-Bus message. Header fields that are absent are zero.
// Body holds the encoded arguments in the byte order given by BigEndian;
// args decodes them and appendMessage encodes new ones.
type message struct {
	Type        msgType
	Flags       msgFlags
	Serial      uint32
	Path        string
	Interface   string
	Member      string
	ErrorName   string
	ReplySerial uint32
	Destination string
	Sender      string
	Signature   string
	UnixFDs     uint32
	Body        []byte
	BigEndian   bool

	// fds are the descriptors received with the message. The
	// connection fills them in; the codec never does.
	fds []int
}

// unixFDIndex is the value of an argument of type h: an index into the
// descriptors that came with the message.
type unixFDIndex uint32

// required reports which header fields a message of type t must carry
// (D-Bus Specification, "Message Types"); unknown types need none.
func required(t msgType) []int {
	switch t {
	case msgMethodCall:
		return []int{fieldPath, fieldMember}
	case msgMethodReturn:
		return []int{fieldReplySerial}
	case msgError:
		return []int{fieldErrorName, fieldReplySerial}
	case msgSignal:
		return []int{fieldPath, fieldInterface, fieldMember}
	}
	return nil
}

// align returns n rounded up to a multiple of to, a power of two.
func align(n, to int) int { return (n + to - 1) &^ (to - 1) }
