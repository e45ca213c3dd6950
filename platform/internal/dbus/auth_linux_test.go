package dbus

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitLimit bounds every wait on a peer so that a broken connection
// fails the test instead of hanging it; nothing here sleeps.
const waitLimit = 10 * time.Second

// socketPair returns the two ends of a connected unix stream socket pair,
// closed at cleanup.
func socketPair(t *testing.T) (*net.UnixConn, *net.UnixConn) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ends [2]*net.UnixConn
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "socketpair")
		c, err := net.FileConn(f) // a duplicate of fd
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		ends[i] = c.(*net.UnixConn)
	}
	return ends[0], ends[1]
}

// fakeAuthServer answers each line the client sends with the next of
// replies (raw bytes, CRLF included), then reads the rest until the
// client closes, and returns the whole transcript.
func fakeAuthServer(t *testing.T, conn *net.UnixConn, replies ...string) <-chan string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var transcript strings.Builder
		r := bufio.NewReader(conn)
		for _, reply := range replies {
			line, err := r.ReadString('\n')
			transcript.WriteString(line)
			if err != nil {
				break
			}
			if _, err := io.WriteString(conn, reply); err != nil {
				break
			}
		}
		rest, _ := io.ReadAll(r)
		transcript.Write(rest)
		got <- transcript.String()
	}()
	return got
}

const testGUID = "0123456789abcdef0123456789abcdef"

func TestAuthenticate(t *testing.T) {
	client, server := socketPair(t)
	transcript := fakeAuthServer(t, server, "OK "+testGUID+"\r\n", "AGREE_UNIX_FD\r\n")
	guid, err := authenticate(t.Context(), client, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if guid != testGUID {
		t.Errorf("guid: got %q, want %q", guid, testGUID)
	}
	client.CloseWrite()
	// "1000" in hexadecimal ASCII is 31303030.
	want := "\x00AUTH EXTERNAL 31303030\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n"
	if got := <-transcript; got != want {
		t.Errorf("client sent %q, want %q", got, want)
	}
}

func TestAuthenticateFails(t *testing.T) {
	tests := []struct {
		name    string
		replies []string
	}{
		{"rejected", []string{"REJECTED EXTERNAL ANONYMOUS\r\n"}},
		{"OK without GUID", []string{"OK\r\n"}},
		{"GUID not hexadecimal", []string{"OK xyz\r\n"}},
		{"no descriptor passing", []string{"OK " + testGUID + "\r\n", "ERROR not supported\r\n"}},
		{"line without CR", []string{"OK " + testGUID + "\n"}},
		{"line too long", []string{strings.Repeat("x", maxAuthLine+1)}},
		{"data after the line", []string{"OK " + testGUID + "\r\nl"}},
		{"hang-up", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, server := socketPair(t)
			done := fakeAuthServer(t, server, tt.replies...)
			if tt.replies == nil {
				server.Close()
			}
			ctx, cancel := context.WithTimeout(t.Context(), waitLimit) // a failure bound only
			defer cancel()
			if _, err := authenticate(ctx, client, 0); err == nil {
				t.Fatal("authenticated, want an error")
			} else if ctx.Err() != nil {
				t.Fatalf("no error before the failure bound: %v", err)
			}
			client.Close()
			<-done
		})
	}
}

// TestAuthenticateHonoursContext checks that a server that never answers
// cannot hold the client past its context's end.
func TestAuthenticateHonoursContext(t *testing.T) {
	t.Run("cancel", func(t *testing.T) {
		client, _ := socketPair(t)
		ctx, cancel := context.WithCancel(t.Context())
		errc := make(chan error, 1)
		go func() {
			_, err := authenticate(ctx, client, 0)
			errc <- err
		}()
		cancel()
		if err := waitErr(t, errc); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want %v", err, context.Canceled)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		client, _ := socketPair(t)
		ctx, cancel := context.WithDeadline(t.Context(), time.Now())
		defer cancel()
		if _, err := authenticate(ctx, client, 0); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want %v", err, context.DeadlineExceeded)
		}
	})
}

// waitErr waits waitLimit for an error on errc.
func waitErr(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(waitLimit):
		t.Fatal("no result")
		return nil
	}
}
