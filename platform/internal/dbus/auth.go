package dbus

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// maxAuthLine bounds a line of the server's side of the authentication
// exchange. Its replies are short (OK and a 32-digit GUID, a list of
// mechanisms, an error text); the specification sets no limit.
const maxAuthLine = 1024

// authenticate runs the client side of the authentication protocol (D-Bus
// Specification, "Authentication Protocol") on c: the credentials byte,
// EXTERNAL with the numeric uid, so that no user database is needed, and
// the negotiation of descriptor passing, which the inhibitor lock needs.
// It returns the server's GUID. ctx bounds the exchange; when it ends
// early, c is left with a past deadline and the caller must close it.
func authenticate(ctx context.Context, c net.Conn, uid int) (guid string, err error) {
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	guid, err = authExchange(c, uid)
	if !stop() {
		return "", fmt.Errorf("authenticate: %w", ctx.Err())
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err() // the deadline passed
		}
		return "", fmt.Errorf("authenticate: %w", err)
	}
	if err := c.SetDeadline(time.Time{}); err != nil {
		return "", fmt.Errorf("authenticate: %w", err)
	}
	return guid, nil
}

// authExchange sends the commands and checks the replies.
func authExchange(c net.Conn, uid int) (string, error) {
	// On Linux the server reads the credentials of the peer socket, so
	// the leading NUL byte carries none.
	id := hex.EncodeToString([]byte(strconv.Itoa(uid)))
	reply, err := authCommand(c, "\x00AUTH EXTERNAL "+id)
	if err != nil {
		return "", err
	}
	guid, ok := strings.CutPrefix(reply, "OK ")
	if _, herr := hex.DecodeString(guid); !ok || guid == "" || herr != nil {
		return "", fmt.Errorf("EXTERNAL as uid %d: server replied %q", uid, reply)
	}
	reply, err = authCommand(c, "NEGOTIATE_UNIX_FD")
	if err != nil {
		return "", err
	}
	if reply != "AGREE_UNIX_FD" {
		return "", fmt.Errorf("negotiate descriptor passing: server replied %q", reply)
	}
	if _, err := io.WriteString(c, "BEGIN\r\n"); err != nil {
		return "", err
	}
	return guid, nil
}

// authCommand sends one command line and reads the reply line.
func authCommand(c net.Conn, cmd string) (string, error) {
	if _, err := io.WriteString(c, cmd+"\r\n"); err != nil {
		return "", err
	}
	return readAuthLine(c)
}

// readAuthLine reads one line ending in CRLF, of at most maxAuthLine
// bytes. The server says nothing until it is spoken to, so data after the
// line is an error rather than something to keep for later.
func readAuthLine(c net.Conn) (string, error) {
	buf := make([]byte, 0, maxAuthLine)
	for {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			switch {
			case i == 0 || buf[i-1] != '\r':
				return "", errors.New("server reply not ended by CRLF")
			case i+1 != len(buf):
				return "", errors.New("server sent data after its reply")
			}
			return string(buf[:i-1]), nil
		}
		switch {
		case errors.Is(err, io.EOF):
			return "", io.ErrUnexpectedEOF
		case err != nil:
			return "", err
		case len(buf) == cap(buf):
			return "", fmt.Errorf("server reply longer than %d bytes", maxAuthLine)
		}
	}
}
