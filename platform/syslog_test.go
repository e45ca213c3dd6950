package platform

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listenSyslog is a syslog daemon on a datagram socket at path.
func listenSyslog(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readDatagram(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 2048)
	n, err := c.Read(b)
	if err != nil {
		t.Fatalf("no message: %v", err)
	}
	return string(b[:n])
}

// A message is one datagram in the local format, facility daemon,
// severity info, with the tag and pid.
func TestSyslogFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	srv := listenSyslog(t, path)
	s, err := dialSyslog("dhclient", []string{filepath.Join(t.TempDir(), "none"), path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Write([]byte("DHCPACK of 10.0.0.2 from 10.0.0.1")); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^<30>[A-Z][a-z]{2} [ 1-3][0-9] \d\d:\d\d:\d\d dhclient\[` +
		strconv.Itoa(os.Getpid()) + `\]: DHCPACK of 10\.0\.0\.2 from 10\.0\.0\.1\n$`)
	if got := readDatagram(t, srv); !want.MatchString(got) {
		t.Errorf("got %q, want a match of %s", got, want)
	}
}

// A syslog daemon that restarted (a new socket at the same path) gets
// the next message.
func TestSyslogReconnects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	first := listenSyslog(t, path)
	s, err := dialSyslog("dhclient", []string{path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first.Close()
	os.Remove(path)
	second := listenSyslog(t, path)
	if _, err := s.Write([]byte("after the restart\n")); err != nil {
		t.Fatal(err)
	}
	if got := readDatagram(t, second); !regexp.MustCompile(`: after the restart\n$`).MatchString(got) {
		t.Errorf("got %q", got)
	}
}

// A stream socket gets newline-terminated messages.
func TestSyslogStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s, err := dialSyslog("dhclient", []string{path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.Write([]byte("one"))
	s.Write([]byte("two\n"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	for _, want := range []string{"one", "two"} {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`\]: ` + want + `\n$`).MatchString(line) {
			t.Errorf("got %q, want the message %q on a line of its own", line, want)
		}
	}
}

func TestSyslogNoDaemon(t *testing.T) {
	if _, err := dialSyslog("dhclient", []string{filepath.Join(t.TempDir(), "none")}); err == nil {
		t.Error("dialled a syslog daemon that does not exist")
	}
}

// A path that is no socket, as /dev/log left a regular file by a broken
// image, is reported and skipped for the next one.
func TestSyslogSkipsWhatIsNoSocket(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "log")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dialSyslog("dhclient", []string{plain})
	if err == nil || !strings.Contains(err.Error(), plain+": not a socket") {
		t.Errorf("dial a regular file: %v, want it named as no socket", err)
	}
	path := filepath.Join(dir, "sock")
	listenSyslog(t, path)
	s, err := dialSyslog("dhclient", []string{plain, path})
	if err != nil {
		t.Fatalf("dial past a regular file: %v", err)
	}
	s.Close()
}
