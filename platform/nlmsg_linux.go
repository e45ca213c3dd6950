package platform

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/unix"
)

// nlRequest is a route netlink request being built: the message header
// (struct nlmsghdr), the family's fixed header, then attributes (struct
// rtattr), each padded to four bytes (NLMSG_ALIGN, RTA_ALIGN). It holds
// what platform sends and nothing more: no nesting, IPv4 and IPv6
// addresses, integers in host byte order as the kernel reads them.
type nlRequest struct{ b []byte }

// fixedHeader is the family header that follows struct nlmsghdr. The
// x/sys/unix types mirror the kernel's structs in the host's layout,
// each a multiple of four bytes long.
type fixedHeader interface {
	unix.IfInfomsg | unix.IfAddrmsg | unix.RtMsg | unix.NdMsg
}

// newRequest starts a request of type typ with the family header h;
// flags are added to NLM_F_REQUEST.
func newRequest[H fixedHeader](typ, flags uint16, h H) *nlRequest {
	b := make([]byte, unix.SizeofNlMsghdr, 128)
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], unix.NLM_F_REQUEST|flags)
	b = append(b, unsafe.Slice((*byte)(unsafe.Pointer(&h)), unsafe.Sizeof(h))...)
	return &nlRequest{b: b}
}

// attr appends the attribute typ with the value v, padded.
func (q *nlRequest) attr(typ uint16, v []byte) {
	n := unix.SizeofRtAttr + len(v)
	q.b = binary.NativeEndian.AppendUint16(q.b, uint16(n))
	q.b = binary.NativeEndian.AppendUint16(q.b, typ)
	q.b = append(q.b, v...)
	q.b = append(q.b, make([]byte, nlAlign(n)-n)...)
}

// u32 appends a 32-bit attribute.
func (q *nlRequest) u32(typ uint16, v uint32) {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], v)
	q.attr(typ, b[:])
}

// str appends a NUL-terminated string attribute (NLA_NUL_STRING).
func (q *nlRequest) str(typ uint16, s string) {
	q.attr(typ, append([]byte(s), 0))
}

// addr appends an address attribute: four bytes for IPv4, sixteen
// otherwise.
func (q *nlRequest) addr(typ uint16, a netip.Addr) {
	if a.Is4() {
		b := a.As4()
		q.attr(typ, b[:])
		return
	}
	b := a.As16()
	q.attr(typ, b[:])
}

// message returns the finished request with its length and the sequence
// number seq in the header.
func (q *nlRequest) message(seq uint32) []byte {
	binary.NativeEndian.PutUint32(q.b[0:], uint32(len(q.b)))
	binary.NativeEndian.PutUint32(q.b[8:], seq)
	return q.b
}

// nlAlign rounds n up to netlink's four-byte alignment.
func nlAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }

// errAttrs reports attributes whose lengths do not add up.
var errAttrs = errors.New("netlink: malformed attributes")

// eachAttr calls fn with the type (without the NLA_F_NESTED and
// NLA_F_NET_BYTEORDER bits) and value of each attribute in b, in order,
// and stops at the first error fn returns. The values alias b. Trailing
// bytes too few for an attribute header are padding; an attribute
// longer than what is left is an error.
func eachAttr(b []byte, fn func(typ uint16, v []byte) error) error {
	for len(b) >= unix.SizeofRtAttr {
		n := int(binary.NativeEndian.Uint16(b))
		if n < unix.SizeofRtAttr || n > len(b) {
			return errAttrs
		}
		typ := binary.NativeEndian.Uint16(b[2:]) &^ (unix.NLA_F_NESTED | unix.NLA_F_NET_BYTEORDER)
		if err := fn(typ, b[unix.SizeofRtAttr:n]); err != nil {
			return err
		}
		b = b[min(nlAlign(n), len(b)):]
	}
	return nil
}
