package client_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/leased/leased/client"
)

func TestPIDFileWritesAndRemovesItsOwn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dhclient.pid")
	p := &client.PIDFile{Path: path}
	p.Write()
	if b, err := os.ReadFile(path); err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("pid file %q, %v; want our pid and a newline", b, err)
	}
	p.Remove()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pid file still there after Remove: %v", err)
	}
	// One this process did not write (another daemon's) stays.
	if err := os.WriteFile(path, []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	(&client.PIDFile{Path: path}).Remove()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("another daemon's pid file removed: %v", err)
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{{nil, 0}, {client.ErrGaveUp, 2}, {errors.New("no such device"), 1}} {
		if got := client.ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// NewLogger: stderr has ISC's lines with -v, errors only without;
// LEASED_LOG=notice adds leased's notices there; syslog has the notices
// always.
func TestNewLoggerLevels(t *testing.T) {
	for _, tc := range []struct {
		verbose           bool
		leasedLog         string
		wantInfo, wantNtc bool
	}{
		{false, "", false, false},
		{true, "", true, false},
		{true, "notice", true, true},
		{false, "debug", true, true},
	} {
		var stderr, sys bytes.Buffer
		log := client.NewLogger(&stderr, &sys, tc.verbose, tc.leasedLog)
		log.Error("E")
		log.Info("I")
		log.Log(t.Context(), client.LevelNotice, "N")
		want := "E\n"
		if tc.wantInfo {
			want += "I\n"
		}
		if tc.wantNtc {
			want += "N\n"
		}
		if stderr.String() != want {
			t.Errorf("verbose=%v LEASED_LOG=%q: stderr %q, want %q", tc.verbose, tc.leasedLog, stderr.String(), want)
		}
		if sys.String() != "E\nI\nN\n" {
			t.Errorf("verbose=%v LEASED_LOG=%q: syslog %q, want every line but debug", tc.verbose, tc.leasedLog, sys.String())
		}
	}
}
