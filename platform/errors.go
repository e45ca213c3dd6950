package platform

import (
	"errors"
	"fmt"
)

// ErrUnsupported is returned by every kernel operation on operating
// systems other than Linux. It wraps errors.ErrUnsupported.
var ErrUnsupported = fmt.Errorf("platform: only Linux is supported: %w", errors.ErrUnsupported)

// ErrLinkGone reports that the named interface does not exist (any more).
// SPEC §4: callers wait for a link event instead of giving up.
var ErrLinkGone = errors.New("link not found")

// ErrRouteConflict reports that a route slot (table, destination, metric)
// is held by a route leased did not add; Apply leaves such a route alone.
var ErrRouteConflict = errors.New("route held by another owner")

// Sentinel errors of Unframe, wrapped in a *FrameError.
var (
	ErrTruncated   = errors.New("truncated")
	ErrNotIPv4     = errors.New("not IPv4")
	ErrNotUDP      = errors.New("not UDP")
	ErrFragment    = errors.New("fragmented")
	ErrBadLength   = errors.New("bad length")
	ErrBadChecksum = errors.New("bad checksum")
)

// FrameError describes why Unframe rejected a packet: the header field at
// fault and one of the sentinel errors above.
type FrameError struct {
	Field string // such as "ip header checksum" or "udp length"
	Err   error
}

// Error describes the rejected field and the reason.
func (e *FrameError) Error() string { return "unframe " + e.Field + ": " + e.Err.Error() }

// Unwrap returns the sentinel error.
func (e *FrameError) Unwrap() error { return e.Err }
