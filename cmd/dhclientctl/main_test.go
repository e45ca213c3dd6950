package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestOutputGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"status merges both daemons", []string{"status"}, "status.golden"},
		{"status -json", []string{"status", "-json"}, "status-json.golden"},
		{"-json before the verb", []string{"-json", "status"}, "status-json.golden"},
		{"status of one interface", []string{"status", "eth1"}, "status-eth1.golden"},
		{"getpacket", []string{"getpacket", "eth0"}, "getpacket.golden"},
		{"getpacket -json", []string{"getpacket", "eth0", "-json"}, "getpacket-json.golden"},
		{"getoption", []string{"getoption", "eth0", "ntp-servers"}, "getoption.golden"},
		{"help", []string{"-h"}, "usage.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out, errOut, _, _ := lab(t)
			if code := c.main(context.Background(), tt.args); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			golden(t, tt.golden, out.String())
		})
	}
}

func TestRoutesByInterface(t *testing.T) {
	tests := []struct {
		args         []string
		wantA, wantB []string
	}{
		{[]string{"renew", "eth1"}, nil, []string{`renew "eth1"`}},
		{[]string{"release", "wlan0"}, []string{`release "wlan0"`}, nil},
		{[]string{"pause", "eth0"}, []string{`pause "eth0"`}, nil},
		{[]string{"resume"}, []string{`resume ""`}, []string{`resume ""`}},
		{[]string{"shutdown"}, []string{"shutdown"}, []string{"shutdown"}},
		{[]string{"getoption", "wlan0", "ntp-servers"}, []string{"option wlan0 ntp-servers"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			c, out, errOut, a, b := lab(t)
			if code := c.main(context.Background(), tt.args); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if !slices.Equal(a.Calls(), tt.wantA) || !slices.Equal(b.Calls(), tt.wantB) {
				t.Errorf("calls: first daemon %q, second %q; want %q and %q", a.Calls(), b.Calls(), tt.wantA, tt.wantB)
			}
			if tt.args[0] != "getoption" && out.Len() != 0 {
				t.Errorf("printed %q on success, want nothing", out)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown interface", []string{"renew", "eth9"}, "dhclientctl: unknown interface eth9: no running daemon manages it\n"},
		{"no verb", nil, "dhclientctl: usage: no verb given\nusage: dhclientctl"},
		{"unknown verb", []string{"frobnicate"}, `dhclientctl: usage: unknown verb "frobnicate"`},
		{"missing option", []string{"getoption", "eth0"}, "dhclientctl: usage: getoption needs an option name"},
		{"bad flag", []string{"-x", "status"}, "dhclientctl: usage: flag provided but not defined: -x"},
		{"option the lease lacks", []string{"getoption", "eth0", "host-name"}, "dhclientctl: eth0: no option host-name in the lease\n"},
		{"no such socket", []string{"-s", "/nonexistent/dhclient.sock", "status"}, "dhclientctl: no daemon: /nonexistent/dhclient.sock does not exist\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, out, errOut, _, _ := lab(t)
			if code := c.main(context.Background(), tt.args); code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			if !strings.HasPrefix(errOut.String(), tt.wantErr) {
				t.Errorf("stderr %q, want it to start %q", errOut, tt.wantErr)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q on error, want nothing", out)
			}
		})
	}
}
