package dhcp4

import (
	"bytes"
	"net"
	"net/netip"
)

// Sizes of the fixed BOOTP fields (RFC 2131 §2, figure 1).
const (
	fixedLen   = 236 // op .. file
	headerLen  = fixedLen + 4
	snameOff   = 44
	snameLen   = 64
	fileOff    = 108
	fileLen    = 128
	chaddrOff  = 28
	minBOOTP   = 300 // ISC pads every message to the BOOTP minimum (RFC 951)
	maxWireLen = 65535
)

// FlagBroadcast is the broadcast bit of the flags field (RFC 2131 §2).
const FlagBroadcast uint16 = 0x8000

// Message is a DHCPv4 message. Addresses are always IPv4 (0.0.0.0 when
// unset on the wire). When option 52 moved options into sname or file,
// those options are part of Options and SName/File are empty.
type Message struct {
	Op     OpCode
	HType  uint8
	HLen   uint8
	Hops   uint8
	XID    uint32
	Secs   uint16
	Flags  uint16
	CIAddr netip.Addr
	YIAddr netip.Addr
	SIAddr netip.Addr
	GIAddr netip.Addr
	CHAddr [16]byte
	SName  string // up to the first NUL
	File   string // up to the first NUL
	// Options in wire order: the main field, then file, then sname when
	// overloaded (RFC 2131 §4.1, RFC 3396 §5).
	Options Options
}

// HardwareAddr returns the first HLen bytes of CHAddr.
func (m *Message) HardwareAddr() net.HardwareAddr {
	n := min(int(m.HLen), len(m.CHAddr))
	return net.HardwareAddr(bytes.Clone(m.CHAddr[:n]))
}

// SetHardwareAddr sets HType 1 (Ethernet), HLen and CHAddr from hw.
func (m *Message) SetHardwareAddr(hw net.HardwareAddr) {
	m.HType = 1
	m.HLen = uint8(min(len(hw), len(m.CHAddr)))
	m.CHAddr = [16]byte{}
	copy(m.CHAddr[:], hw)
}

// Type returns the value of option 53, or 0 when absent or malformed.
func (m *Message) Type() MessageType {
	d, ok := m.Options.Get(OptMessageType)
	if !ok || len(d) != 1 {
		return 0
	}
	return MessageType(d[0])
}

// Parse decodes a DHCPv4 message. It never panics; the result does not
// alias b. Options in sname/file are read only when option 52 in the main
// field says so (RFC 2131 §4.1), file before sname. A message that does
// not decode is refused before anything is copied (scan).
func Parse(b []byte) (*Message, error) {
	l := scan(b)
	if l.fail.Err != nil {
		fail := l.fail
		return nil, &fail
	}
	b = bytes.Clone(b)
	m := &Message{
		Op: OpCode(b[0]), HType: b[1], HLen: b[2], Hops: b[3],
		XID:    be32(b[4:]),
		Secs:   be16(b[8:]),
		Flags:  be16(b[10:]),
		CIAddr: addr4(b[12:]), YIAddr: addr4(b[16:]),
		SIAddr: addr4(b[20:]), GIAddr: addr4(b[24:]),
	}
	copy(m.CHAddr[:], b[chaddrOff:chaddrOff+16])
	opts := decodeOptions(make(Options, 0, l.options), b[headerLen:])
	sname, file := b[snameOff:snameOff+snameLen], b[fileOff:fileOff+fileLen]
	overload := l.overloadField()
	if overload&1 != 0 {
		opts = decodeOptions(opts, file)
	} else {
		m.File = cstring(file)
	}
	if overload&2 != 0 {
		opts = decodeOptions(opts, sname)
	} else {
		m.SName = cstring(sname)
	}
	m.Options = opts
	return m, nil
}

// decodeOptions appends the options in area, up to the end option, to
// opts; pad bytes are skipped. scan has checked that none overruns.
func decodeOptions(opts Options, area []byte) Options {
	for i := 0; i < len(area); {
		switch code := area[i]; code {
		case OptPad:
			i++
		case OptEnd:
			return opts
		default:
			n := int(area[i+1])
			opts = append(opts, Option{Code: code, Data: area[i+2 : i+2+n : i+2+n]})
			i += 2 + n
		}
	}
	return opts
}

// UnmarshalBinary implements encoding.BinaryUnmarshaler.
func (m *Message) UnmarshalBinary(b []byte) error {
	p, err := Parse(b)
	if err != nil {
		return err
	}
	*m = *p
	return nil
}

// MarshalBinary implements encoding.BinaryMarshaler.
func (m *Message) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(make([]byte, 0, minBOOTP))
}

// AppendBinary implements encoding.BinaryAppender: it appends the wire form
// of m to b, all options in the main field, values over 255 bytes split
// (RFC 3396 §4), the end option, and padding to 300 bytes as ISC does.
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = m.appendHeader(b, m.SName, m.File)
	b = appendOptions(b, m.Options)
	b = append(b, OptEnd)
	for len(b)-start < minBOOTP {
		b = append(b, OptPad)
	}
	if len(b)-start > maxWireLen {
		return b[:start], &ParseError{Offset: maxWireLen, Field: "message", Err: ErrTooLong}
	}
	return b, nil
}

// appendHeader appends the fixed fields and the magic cookie.
func (m *Message) appendHeader(b []byte, sname, file string) []byte {
	b = append(b, byte(m.Op), m.HType, m.HLen, m.Hops)
	b = appendBE32(b, m.XID)
	b = appendBE16(b, m.Secs)
	b = appendBE16(b, m.Flags)
	for _, a := range [...]netip.Addr{m.CIAddr, m.YIAddr, m.SIAddr, m.GIAddr} {
		b = appendAddr4(b, a)
	}
	b = append(b, m.CHAddr[:]...)
	b = appendFixed(b, sname, snameLen)
	b = appendFixed(b, file, fileLen)
	return append(b, MagicCookie[:]...)
}

// appendOptions appends opts, splitting long values into 255-byte pieces
// (RFC 3396 §4). Pad and end entries in opts are not options and are
// skipped.
func appendOptions(b []byte, opts Options) []byte {
	for _, o := range opts {
		if o.Code == OptPad || o.Code == OptEnd {
			continue
		}
		d := o.Data
		for {
			n := min(len(d), 255)
			b = append(b, o.Code, byte(n))
			b = append(b, d[:n]...)
			d = d[n:]
			if len(d) == 0 {
				break
			}
		}
	}
	return b
}
