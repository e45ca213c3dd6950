package platform

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// syslogSockets are where a local syslog daemon listens, in the order
// they are tried: /dev/log, then the older BSD and Darwin places, which
// a test or a chroot can bind a socket to where /dev/log is a device
// node.
var syslogSockets = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

// Syslog writes each Write as one message, facility daemon, severity
// info, in the local format "<30>Jan _2 15:04:05 tag[pid]: message".
// It is log/syslog's local writer without net.Dial, which links the DNS
// resolver into the daemon. A write that fails reconnects once and
// tries again, so a restarted syslog daemon gets the next message. It is
// safe for concurrent use.
type Syslog struct {
	tag   string
	paths []string

	mu   sync.Mutex
	conn *net.UnixConn
}

// syslogDaemonInfo is the priority LOG_DAEMON|LOG_INFO (RFC 5424 §6.2.1:
// facility 3 times 8, plus severity 6).
const syslogDaemonInfo = 3<<3 | 6

// DialSyslog connects to the local syslog daemon; the messages carry
// tag and the process id. It fails when no syslog daemon listens.
func DialSyslog(tag string) (*Syslog, error) {
	return dialSyslog(tag, syslogSockets)
}

func dialSyslog(tag string, paths []string) (*Syslog, error) {
	s := &Syslog{tag: tag, paths: paths}
	if err := s.connect(); err != nil {
		return nil, err
	}
	return s, nil
}

// connect tries each socket, as a datagram socket and then as a stream.
// A path that is no socket is skipped unopened: without a syslog daemon,
// as in a container or an initramfs, six sockets opened and closed were
// a tenth of the daemon's CPU on its way to the first DHCPDISCOVER.
func (s *Syslog) connect() error {
	var errs []error
	var socks []string
	for _, p := range s.paths {
		if fi, err := os.Stat(p); err != nil {
			errs = append(errs, err)
		} else if fi.Mode().Type() != fs.ModeSocket {
			errs = append(errs, fmt.Errorf("%s: not a socket", p))
		} else {
			socks = append(socks, p)
		}
	}
	for _, network := range []string{"unixgram", "unix"} {
		for _, p := range socks {
			c, err := net.DialUnix(network, nil, &net.UnixAddr{Name: p, Net: network})
			if err == nil {
				s.conn = c
				return nil
			}
			errs = append(errs, err)
		}
	}
	return fmt.Errorf("no syslog daemon: %w", errors.Join(errs...))
}

// Write sends b as one message; a trailing newline is added when b has
// none, since a stream socket separates messages by it.
func (s *Syslog) Write(b []byte) (int, error) {
	msg := s.format(string(b), time.Now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		if _, err := s.conn.Write([]byte(msg)); err == nil {
			return len(b), nil
		}
		s.conn.Close()
		s.conn = nil
	}
	if err := s.connect(); err != nil {
		return 0, err
	}
	if _, err := s.conn.Write([]byte(msg)); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (s *Syslog) format(msg string, now time.Time) string {
	nl := ""
	if !strings.HasSuffix(msg, "\n") {
		nl = "\n"
	}
	return fmt.Sprintf("<%d>%s %s[%d]: %s%s", syslogDaemonInfo, now.Format(time.Stamp), s.tag, os.Getpid(), msg, nl)
}

// Close closes the connection.
func (s *Syslog) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return nil
	}
	err := s.conn.Close()
	s.conn = nil
	return err
}
