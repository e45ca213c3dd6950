package platform

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// frameReader is the receive state of recvmsg(2) on packet sockets: a
// frame buffer, room for the PACKET_AUXDATA control message, and the
// msghdr pointing at both, made once so that a read allocates nothing
// (issue 12). The sender's address is not asked for: Unframe reads it
// from the IPv4 header. One goroutine at a time reads through it.
type frameReader struct {
	buf, oob []byte
	msg      unix.Msghdr
	iov      unix.Iovec
	// What the last recvmsg returned.
	n, oobn, flags int
	errno          unix.Errno
}

func newFrameReader(size int) *frameReader {
	rd := &frameReader{oob: make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.TpacketAuxdata{}))))}
	rd.msg.Iov = &rd.iov
	rd.msg.Iovlen = 1
	rd.msg.Control = &rd.oob[0]
	rd.grow(size)
	return rd
}

// grow makes the frame buffer at least size bytes long.
func (rd *frameReader) grow(size int) {
	if size <= len(rd.buf) {
		return
	}
	rd.buf = make([]byte, size)
	rd.iov.Base = &rd.buf[0]
	rd.iov.SetLen(size)
}

// recvmsg is one recvmsg(2) on fd with flags (0, or MSG_DONTWAIT), in
// the shape syscall.RawConn's Read and Control take: false when the
// socket has nothing (EAGAIN) or the call was interrupted (EINTR), true
// once n, oobn, flags and errno hold its result.
func (rd *frameReader) recvmsg(fd uintptr, flags int) bool {
	rd.msg.SetControllen(len(rd.oob))
	rd.msg.Flags = 0
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&rd.msg)), uintptr(flags))
	if errno == unix.EAGAIN || errno == unix.EINTR {
		return false
	}
	rd.n, rd.oobn, rd.flags, rd.errno = int(n), int(rd.msg.Controllen), int(rd.msg.Flags), errno
	return true
}
