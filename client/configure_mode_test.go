package client

import (
	"strings"
	"testing"

	"github.com/leased/leased/client/config"
)

func TestConfigureMode(t *testing.T) {
	ours := []byte("#!/bin/sh\n" + NativeScriptMarker + "\nexit 0\n")
	debian := []byte("#!/bin/sh\n# dhclient-script for Linux.\nip -4 addr add ...\n")
	quoted := []byte("#!/bin/sh\necho '" + NativeScriptMarker + "'\n")
	late := []byte(strings.Repeat("#\n", MarkerWindow/2) + NativeScriptMarker + "\n")
	tests := []struct {
		name   string
		mode   config.Configure
		script string
		head   []byte
		native bool
	}{
		{"auto, leased's script", config.ConfigureAuto, "/usr/lib/leased/dhclient-script", ours, true},
		{"auto, no script", config.ConfigureAuto, "", nil, true},
		{"auto, Debian's script", config.ConfigureAuto, "/sbin/dhclient-script", debian, false},
		{"auto, cloud-init's /bin/true", config.ConfigureAuto, "/bin/true", []byte("\x7fELF\x02\x01"), false},
		{"auto, unreadable script", config.ConfigureAuto, "/nonexistent", nil, false},
		{"auto, marker not a line of its own", config.ConfigureAuto, "/x", quoted, false},
		{"auto, marker past the window", config.ConfigureAuto, "/x", late, false},
		{"native forced with another script", config.ConfigureNative, "/sbin/dhclient-script", debian, true},
		{"script forced with leased's script", config.ConfigureScript, "/usr/lib/leased/dhclient-script", ours, false},
	}
	for _, tt := range tests {
		native, why := ConfigureMode(tt.mode, tt.script, hasMarker(tt.head))
		if native != tt.native || why == "" {
			t.Errorf("%s: native %v (%q), want %v", tt.name, native, why, tt.native)
		}
	}
}
