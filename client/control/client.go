package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// maxReplyLine bounds one reply line read by Client: a status of a
// thousand interfaces fits with room to spare (SPEC §11).
const maxReplyLine = 16 << 20

// RemoteError is the error of a reply with "ok": false.
type RemoteError struct {
	Msg string // the reply's "error"
}

func (e *RemoteError) Error() string { return e.Msg }

// Is lets errors.Is match ErrPermission and ErrUnknownInterface by the
// reply's text, the only thing that crosses the socket.
func (e *RemoteError) Is(target error) bool {
	switch target {
	case ErrPermission, ErrUnknownInterface, ErrBadRequest:
		return strings.HasPrefix(e.Msg, target.Error())
	}
	return false
}

// Client is one connection to a daemon's control socket. It is not safe
// for concurrent use.
type Client struct {
	// Timeout bounds each Do, from sending the request to reading the
	// reply; zero means no limit. A release may take as long as the
	// RELEASE hooks run.
	Timeout time.Duration

	conn *net.UnixConn
	r    *bufio.Reader
}

// Dial connects to the control socket at path.
func Dial(path string) (*Client, error) {
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("connect to control socket: %w", err)
	}
	return &Client{conn: conn, r: bufio.NewReader(conn)}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// ServerPID is the pid of the daemon that listens on the socket, as the
// kernel recorded it at connect time; 0 when it cannot be read.
func (c *Client) ServerPID() int {
	pid, err := peerPID(c.conn)
	if err != nil {
		return 0
	}
	return pid
}

// Do sends req and reads its reply. A reply with "ok": false comes back
// together with a *RemoteError holding its message.
func (c *Client) Do(req Request) (*Reply, error) {
	var deadline time.Time
	if c.Timeout > 0 {
		deadline = time.Now().Add(c.Timeout)
	}
	c.conn.SetDeadline(deadline)
	if err := c.send(req); err != nil {
		// A server over its connection limit answers and hangs up before
		// reading: its reply may still be waiting.
		var rep Reply
		if c.read(&rep) == nil && !rep.OK {
			return &rep, &RemoteError{Msg: rep.Error}
		}
		return nil, err
	}
	var rep Reply
	if err := c.read(&rep); err != nil {
		return nil, err
	}
	if !rep.OK {
		return &rep, &RemoteError{Msg: rep.Error}
	}
	return &rep, nil
}

// Watch asks for the event stream, of iface only unless it is "", and
// calls fn with each event until ctx ends (nil) or the daemon closes the
// stream (an error wrapping io.EOF). The connection cannot be used for
// anything else afterwards.
func (c *Client) Watch(ctx context.Context, iface string, fn func(Event)) error {
	if _, err := c.Do(Request{Verb: VerbWatch, Interface: iface}); err != nil {
		return err
	}
	c.conn.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { c.conn.SetReadDeadline(longAgo) })
	defer stop()
	for {
		var ev Event
		if err := c.read(&ev); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		fn(ev)
	}
}

func (c *Client) send(req Request) error {
	b, err := encodeLine(req)
	if err != nil {
		return err
	}
	if _, err := c.conn.Write(b); err != nil {
		return fmt.Errorf("send request: %w", err)
	}
	return nil
}

// read decodes the next line into v.
func (c *Client) read(v any) error {
	var line []byte
	for {
		part, err := c.r.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxReplyLine {
			return fmt.Errorf("read reply: longer than %d bytes", maxReplyLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("read reply: daemon closed the connection: %w", err)
		}
		if err != nil {
			return fmt.Errorf("read reply: %w", err)
		}
		break
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("decode reply: %w", err)
	}
	return nil
}
