package control

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// errTooLong reports a request line over MaxLine bytes.
var errTooLong = fmt.Errorf("%w: request longer than %d bytes", ErrBadRequest, MaxLine)

// longAgo is a deadline in the past, which interrupts a blocked read.
var longAgo = time.Unix(1, 0)

// conn is one accepted connection. Its read deadline is set both by the
// connection's goroutine and by Serve at shutdown; mu and closing keep the
// goroutine from undoing a shutdown.
type conn struct {
	uc *net.UnixConn
	r  *bufio.Reader

	mu      sync.Mutex
	closing bool
	evicted bool      // closed to make room for a privileged peer
	idle    time.Time // since when the connection waits for a request; zero while busy
}

func newConn(uc *net.UnixConn) *conn {
	return &conn{uc: uc, r: bufio.NewReaderSize(uc, MaxLine), idle: time.Now()}
}

// setIdle marks the connection as waiting for a request (idle) or as
// being answered or watching; only idle connections can be evicted.
func (c *conn) setIdle(idle bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.idle = time.Time{}
	if idle {
		c.idle = time.Now()
	}
}

// idleSince returns since when the connection has been idle.
func (c *conn) idleSince() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.idle, !c.idle.IsZero()
}

// armRead sets the read deadline d from now, or none when d is 0. It
// returns false once the server is shutting down.
func (c *conn) armRead(d time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return false
	}
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	c.uc.SetReadDeadline(t)
	return true
}

// shutdown interrupts any read for good; a reply being written still goes
// out.
func (c *conn) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	c.uc.SetReadDeadline(longAgo)
}

// evict interrupts the read of an idle connection for good, so that a
// privileged peer can have its slot; the connection's goroutine tells the
// client why. It does nothing and returns false when the connection is no
// longer idle, idle since before, or shutting down: a request that has
// come in is answered.
func (c *conn) evict(since time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.idle.IsZero() || !c.idle.Equal(since) {
		return false
	}
	c.closing, c.evicted = true, true
	c.uc.SetReadDeadline(longAgo)
	return true
}

// wasEvicted reports whether evict was called.
func (c *conn) wasEvicted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.evicted
}

// stopping reports whether shutdown was called: a read that failed then
// was interrupted on purpose and is owed no reply.
func (c *conn) stopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

func (c *conn) close() { c.uc.Close() }

// readRequest returns the next line that is not blank. Blank lines are
// skipped within the same deadline: they are no activity, and a client
// that sends only them is idle and dropped after the read timeout.
func (c *conn) readRequest() ([]byte, error) {
	for {
		line, err := c.readLine()
		if err != nil || len(bytes.TrimSpace(line)) > 0 {
			return line, err
		}
	}
}

// readLine returns the next request line, newline included. A line over
// MaxLine bytes is skipped up to its newline and reported as errTooLong,
// so the connection stays usable.
func (c *conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = c.r.ReadSlice('\n')
	}
	if err != nil {
		return nil, err
	}
	return nil, errTooLong
}

// write sends v as one JSON line within timeout.
func (c *conn) write(v any, timeout time.Duration) error {
	b, err := encodeLine(v)
	if err != nil {
		return err
	}
	c.uc.SetWriteDeadline(time.Now().Add(timeout))
	_, err = c.uc.Write(b)
	return err
}

// readFailure is the reply owed to a client whose request could not be
// read, or "" when the client simply went away.
func readFailure(err error, partial bool) string {
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "read timeout: no complete request line in time"
	case errors.Is(err, io.EOF) && partial:
		return "incomplete request: input ended without a newline"
	}
	return ""
}
