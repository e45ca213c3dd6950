package control

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DefaultGlob matches the sockets of every daemon started with a pid file
// in /run: /run/dhclient.sock, /run/dhclient.eth0.sock (SPEC §8).
const DefaultGlob = "/run/dhclient*.sock"

// SocketPath derives the control socket path from a pid file path: the
// ".pid" suffix becomes ".sock", or ".sock" is appended when there is no
// such suffix (SPEC §8). "/run/dhclient.eth0.pid" gives
// "/run/dhclient.eth0.sock".
func SocketPath(pidFile string) string {
	base, _ := strings.CutSuffix(pidFile, ".pid")
	return base + ".sock"
}

// Discover returns the sockets matching glob, sorted. Files that are not
// sockets are skipped; whether a daemon answers is for the caller to find
// out.
func Discover(glob string) ([]string, error) {
	names, err := filepath.Glob(glob)
	if err != nil {
		return nil, fmt.Errorf("find control sockets: %w", err)
	}
	var socks []string
	for _, n := range names {
		fi, err := os.Stat(n)
		if err == nil && fi.Mode().Type() == fs.ModeSocket {
			socks = append(socks, n)
		}
	}
	slices.Sort(socks)
	return socks, nil
}
