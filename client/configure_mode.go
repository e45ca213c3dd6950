package client

import (
	"bytes"
	"fmt"

	"github.com/leased/leased/client/config"
)

// NativeScriptMarker is the line by which leased's own native-mode
// dhclient-script declares itself (SPEC §5.0). Under configure-interface
// auto, leased configures the interface only when the script that runs
// carries this line in its first MarkerWindow bytes, or when no script
// runs at all; with any other script (Debian's, NetworkManager's
// nm-dhcp-helper, cloud-init's /bin/true, a site script) the script does
// it, as under ISC dhclient.
const NativeScriptMarker = "# leased: native-mode dhclient-script"

// MarkerWindow is how much of the start of a script is searched for
// NativeScriptMarker.
const MarkerWindow = 4096

// ConfigureMode decides who configures the interface: leased (native) or
// the script. script is the path of the script that runs ("" for none);
// marked says whether it carries NativeScriptMarker (hasMarker). why
// says, for the log, what decided it.
func ConfigureMode(mode config.Configure, script string, marked bool) (native bool, why string) {
	switch mode {
	case config.ConfigureNative:
		return true, "configure-interface native"
	case config.ConfigureScript:
		return false, "configure-interface script"
	}
	switch {
	case script == "":
		return true, "configure-interface auto, no script"
	case marked:
		return true, fmt.Sprintf("configure-interface auto, %s is leased's native-mode script", script)
	default:
		return false, fmt.Sprintf("configure-interface auto, %s is not leased's script", script)
	}
}

// hasMarker reports whether head holds NativeScriptMarker as a whole line.
func hasMarker(head []byte) bool {
	head = head[:min(len(head), MarkerWindow)]
	for line := range bytes.Lines(head) {
		if string(bytes.TrimRight(line, "\r\n")) == NativeScriptMarker {
			return true
		}
	}
	return false
}
