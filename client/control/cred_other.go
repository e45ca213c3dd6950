//go:build !linux

package control

import (
	"errors"
	"net"
)

var errNoCred = errors.New("peer credentials: unsupported on this system")

// peerUID is unsupported outside Linux: every peer is then unknown, and
// only read-only verbs of a PublicRead server are allowed.
func peerUID(*net.UnixConn) (int, error) { return 0, errNoCred }

// peerPID is unsupported outside Linux.
func peerPID(*net.UnixConn) (int, error) { return 0, errNoCred }
