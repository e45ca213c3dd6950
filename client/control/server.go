package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Defaults that keep one slow or hostile client from holding the daemon
// (SPEC §8, §10).
const (
	DefaultReadTimeout  = 5 * time.Second // to receive one whole request line
	DefaultWriteTimeout = 5 * time.Second // to hand one reply or event to the kernel
	DefaultMaxConns     = 32              // concurrent connections, watchers included
	MaxLine             = 64 << 10        // bytes in one request line, newline included
)

// Backend is what the daemon offers to the control socket. Its methods are
// called from one goroutine per connection, concurrently. They must not
// wait for Serve to return: Serve waits for them.
type Backend interface {
	// Status returns every interface, in the order to show them.
	Status() []InterfaceStatus
	// Packet returns the last DHCPACK received on iface.
	Packet(iface string) (*dhcp4.Message, error)
	// Option returns option name of iface's lease in hook-environment text.
	Option(iface, name string) (string, error)
	// Act carries out renew, rebind, release, stop, pause or resume on
	// iface, or on every interface when iface is "".
	Act(verb, iface string) error
	// Shutdown releases every interface and makes the daemon exit.
	Shutdown() error
	// Watch returns events until ctx ends, then closes the channel. A
	// subscriber that does not keep up should lose events rather than
	// block the daemon.
	Watch(ctx context.Context) <-chan Event
}

// Server is the control socket of one daemon. Set its exported fields
// before Serve.
type Server struct {
	// PublicRead opens the read-only verbs (status, getpacket, getoption,
	// watch) to every local user: the socket becomes mode 0666 and the
	// peer-credential check still guards the other verbs. Off by default:
	// mode 0600 and only uid 0 or the daemon's uid are served.
	PublicRead bool
	// Catalogue names and formats options for getpacket; nil means ISC's
	// built-in catalogue. Serve only reads it.
	Catalogue *dhcp4.Catalogue
	// Log receives connection errors at debug level; nil discards them.
	Log *slog.Logger

	ln   *net.UnixListener
	path string
	uid  int // the daemon's own uid, allowed every verb

	// Seams for tests; Listen sets the real values.
	peer         func(*net.UnixConn) (int, error)
	readTimeout  time.Duration
	writeTimeout time.Duration
	maxConns     int
	maxPerPeer   int // connections per unprivileged uid
	reserve      int // slots only privileged peers may take
	evictAfter   time.Duration
	now          func() time.Time
}

// Listen creates the control socket at path, mode 0600 (SPEC §8). A stale
// socket file from a dead daemon is replaced; if a daemon still answers
// there, the error wraps ErrInUse.
func Listen(path string) (*Server, error) {
	ln, err := listenUnix(path)
	if err != nil {
		return nil, fmt.Errorf("listen on control socket: %w", err)
	}
	if err := os.Chmod(path, modePrivate); err != nil {
		ln.Close()
		return nil, fmt.Errorf("restrict control socket: %w", err)
	}
	return &Server{
		ln:           ln,
		path:         path,
		uid:          os.Getuid(),
		peer:         peerUID,
		readTimeout:  DefaultReadTimeout,
		writeTimeout: DefaultWriteTimeout,
		maxConns:     DefaultMaxConns,
		maxPerPeer:   DefaultMaxConnsPerPeer,
		reserve:      DefaultPrivilegedReserve,
		evictAfter:   DefaultEvictAfter,
		now:          time.Now,
	}, nil
}

// Path returns the socket's file name.
func (s *Server) Path() string { return s.path }

// Close closes the listener and removes the socket file. A running Serve
// then closes its connections and returns an error wrapping
// net.ErrClosed; Close is only needed when Serve never runs.
func (s *Server) Close() error { return s.ln.Close() }

// Serve accepts connections and answers them from b until ctx ends or the
// server is closed. On return every connection is closed and the socket
// file removed; a request being answered gets its reply first. Serve
// returns nil when ctx ended.
func (s *Server) Serve(ctx context.Context, b Backend) error {
	defer s.ln.Close()
	if s.PublicRead {
		if err := os.Chmod(s.path, modePublic); err != nil {
			return fmt.Errorf("open control socket to all users: %w", err)
		}
	}
	stop := context.AfterFunc(ctx, func() { s.ln.Close() })
	defer stop()

	var wg sync.WaitGroup
	pool := newPool(s.maxConns, s.maxPerPeer, s.reserve, s.evictAfter)
	err := s.acceptLoop(ctx, func(uc *net.UnixConn) {
		uid, credErr := s.peer(uc)
		p := peer{uid: uid, privileged: credErr == nil && (uid == 0 || uid == s.uid)}
		if credErr != nil {
			p.uid = -1
		}
		c := newConn(uc)
		if why := pool.admit(c, p); why != "" {
			s.refuse(c, why)
			return
		}
		wg.Go(func() {
			defer pool.release(c)
			s.handle(ctx, c, b, uid, credErr)
		})
	})
	pool.shutdownAll()
	wg.Wait()
	return err
}

// acceptLoop calls serve for each new connection until ctx ends (nil) or
// the listener fails for good.
func (s *Server) acceptLoop(ctx context.Context, serve func(*net.UnixConn)) error {
	backoff := time.Duration(0)
	for {
		uc, err := s.ln.AcceptUnix()
		if err == nil {
			backoff = 0
			serve(uc)
			continue
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, net.ErrClosed) {
			return fmt.Errorf("accept on control socket: %w", err)
		}
		// Out of file descriptors or memory: wait a little, as
		// net/http does, instead of spinning or giving up.
		backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
		s.logger().Debug("control accept", "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// refuse answers a connection beyond the limits with an error and closes
// it.
func (s *Server) refuse(c *conn, why string) {
	c.write(Reply{Error: why}, s.writeTimeout)
	c.close()
}

func (s *Server) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
