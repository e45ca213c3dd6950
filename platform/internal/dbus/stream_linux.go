package dbus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"

	"golang.org/x/sys/unix"
)

// scmMaxFD is the most descriptors one sendmsg can pass on Linux
// (SCM_MAX_FD in include/net/scm.h), so one recvmsg never receives more.
const scmMaxFD = 253

// readChunk is the buffer's initial size and the step it grows by when
// full; it only grows further to hold a whole message.
const readChunk = 4096

// stream splits the bytes of a bus connection into messages and hands
// each the descriptors that came with it. The kernel ends a stream read
// before data that carries descriptors, so they always arrive with the
// first byte a read returns; bus daemons send a message's descriptors
// with its own bytes. A message therefore owns exactly the descriptors
// that arrived with a byte inside it. It is used by one goroutine.
type stream struct {
	conn *net.UnixConn
	buf  []byte // received and not yet consumed
	pos  int64  // stream offset of buf[0]
	fds  []streamFD
	oob  []byte
}

// streamFD is a received descriptor and the stream offset it came with.
type streamFD struct {
	at int64
	fd int
}

func newStream(conn *net.UnixConn) *stream {
	return &stream{
		conn: conn,
		buf:  make([]byte, 0, readChunk),
		oob:  make([]byte, unix.CmsgSpace(scmMaxFD*4)),
	}
}

// next returns the next message that decodes, with its descriptors.
// Messages over maxMessageSize and malformed ones are skipped, their
// descriptors closed: the byte counts in the fixed header are enough to
// stay in step. An error means the stream is unusable.
func (s *stream) next() (*message, error) {
	for {
		if err := s.fill(fixedHeaderLen); err != nil {
			return nil, err
		}
		total, err := frameLength(s.buf)
		if err != nil {
			return nil, err
		}
		if total > maxMessageSize {
			if err := s.discard(total); err != nil {
				return nil, err
			}
			continue
		}
		if err := s.fill(total); err != nil {
			return nil, err
		}
		m, err := decodeMessage(s.buf[:total])
		fds := s.consume(total)
		if err != nil || int(m.UnixFDs) != len(fds) {
			closeFDs(fds)
			continue
		}
		m.Body = bytes.Clone(m.Body) // buf is reused
		m.fds = fds
		return m, nil
	}
}

// fill reads until at least n bytes are buffered.
func (s *stream) fill(n int) error {
	if cap(s.buf) < n {
		s.buf = append(make([]byte, 0, n), s.buf...)
	}
	for len(s.buf) < n {
		if err := s.read(); err != nil {
			return err
		}
	}
	return nil
}

// discard consumes n bytes, reading them in the buffer's space, and
// closes the descriptors that came with them.
func (s *stream) discard(n int) error {
	for n > 0 {
		if len(s.buf) == 0 {
			if err := s.read(); err != nil {
				return err
			}
		}
		k := min(n, len(s.buf))
		closeFDs(s.consume(k))
		n -= k
	}
	return nil
}

// consume drops the first n buffered bytes and returns the descriptors
// that arrived with them.
func (s *stream) consume(n int) []int {
	s.pos += int64(n)
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	var fds []int
	for len(s.fds) > 0 && s.fds[0].at < s.pos {
		fds = append(fds, s.fds[0].fd)
		s.fds = s.fds[1:]
	}
	return fds
}

// read appends what one recvmsg returns to buf, keeping the descriptors.
func (s *stream) read() error {
	if len(s.buf) == cap(s.buf) {
		s.buf = append(make([]byte, 0, len(s.buf)+readChunk), s.buf...)
	}
	at := s.pos + int64(len(s.buf))
	n, oobn, flags, _, err := s.conn.ReadMsgUnix(s.buf[len(s.buf):cap(s.buf)], s.oob)
	n, oobn = max(n, 0), max(oobn, 0) // -1 on some errors
	s.buf = s.buf[:len(s.buf)+n]
	if perr := s.keepFDs(s.oob[:oobn], at); perr != nil {
		return perr
	}
	switch {
	case flags&unix.MSG_CTRUNC != 0:
		return errors.New("read bus: descriptors truncated")
	case err != nil:
		return fmt.Errorf("read bus: %w", err)
	case n == 0:
		return io.EOF
	}
	return nil
}

// keepFDs queues the descriptors of the control messages in oob.
func (s *stream) keepFDs(oob []byte, at int64) error {
	if len(oob) == 0 {
		return nil
	}
	cmsgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return fmt.Errorf("read bus: %w", err)
	}
	for i := range cmsgs {
		if cmsgs[i].Header.Level != unix.SOL_SOCKET || cmsgs[i].Header.Type != unix.SCM_RIGHTS {
			continue
		}
		fds, err := unix.ParseUnixRights(&cmsgs[i])
		if err != nil {
			return fmt.Errorf("read bus: %w", err)
		}
		for _, fd := range fds {
			s.fds = append(s.fds, streamFD{at: at, fd: fd})
		}
	}
	return nil
}

// close closes the descriptors no message has taken.
func (s *stream) close() {
	for _, f := range s.fds {
		unix.Close(f.fd)
	}
	s.fds = nil
}

// closeFDs closes received descriptors that nothing keeps.
func closeFDs(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
