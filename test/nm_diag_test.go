//go:build linux

package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/leased/leased/test/lab"
)

// dumpDiagnostics logs what explains a failure: NetworkManager's log, the
// dhclient output, the kernel's addresses and routes, NM's view.
func (r *nmRig) dumpDiagnostics(t *testing.T) {
	t.Logf("--- NetworkManager log (info and above, DHCP and IPv4 debug; full log %d lines) ---\n%s",
		nmCountLines(r.nm.Log()), nmFilteredTail(r.nm.Log(), 150))
	t.Logf("--- dhclient output ---\n%s", nmTail(r.dhclientLog, 80))
	for _, argv := range [][]string{
		{"ip", "-d", "link", "show", "dev", r.ifname},
		{"ip", "-d", "address", "show", "dev", r.ifname},
		{"ip", "-d", "route", "show", "table", "all", "dev", r.ifname},
	} {
		out, err := lab.Command(r.l.ClientNS(), argv...).CombinedOutput()
		t.Logf("--- %s (%v) ---\n%s", strings.Join(argv, " "), err, out)
	}
	out, err := r.runCtx(context.Background(), "device", "show", r.ifname)
	t.Logf("--- nmcli device show %s (%v) ---\n%s", r.ifname, err, out)
}

// nmQuote quotes s for sh.
func nmQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// nmWriteFile writes a generated file, failing t on error.
func nmWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// nmReadFile returns a log's content, "" before it exists.
func nmReadFile(file string) string {
	b, _ := os.ReadFile(file)
	return string(b)
}

// nmTail returns the last n lines of file.
func nmTail(file string, n int) string {
	lines := strings.Split(strings.TrimRight(nmReadFile(file), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func nmCountLines(file string) int { return strings.Count(nmReadFile(file), "\n") }

// nmFilteredTail returns the last n lines of NetworkManager's debug log
// that matter for DHCP: info and above, and the DHCP and IPv4 domains.
func nmFilteredTail(file string, n int) string {
	var keep []string
	for _, line := range strings.Split(nmReadFile(file), "\n") {
		if !strings.HasPrefix(line, "<debug>") || strings.Contains(line, "dhcp") ||
			strings.Contains(line, "ip4") || strings.Contains(line, "l3cfg") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep[max(0, len(keep)-n):], "\n")
}
