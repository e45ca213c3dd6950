//go:build !linux

package control

import (
	"errors"
	"net"
)

// peerUID is unsupported outside Linux: every peer is then unknown, and
// only read-only verbs of a PublicRead server are allowed.
func peerUID(*net.UnixConn) (int, error) {
	return 0, errors.New("peer credentials: unsupported on this system")
}
