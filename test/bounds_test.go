//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// boundsMaxHWM is the peak resident memory the daemon may reach with the
// hostile inputs of TestBoundsHostileInputs: generous, as the test is
// about growth with the input (issue 12 measured 1.57 GB for the lease
// file alone), not about the Go runtime's baseline.
const boundsMaxHWM = 200 << 20

// TestBoundsHostileInputs is issue 12's acceptance for bounds: one daemon
// meets a 16 MiB garbage lease file, a configuration that includes
// itself 8 times, and an ACK whose option 119 (domain-search) expands
// through compression pointers to over 100 KB. It must stay bounded in
// memory, say in its log what it refused and where, and still run the
// BOUND hook, with domain-search cut to ISC's 32 KiB.
func TestBoundsHostileInputs(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	cfg := l.FakeConfig(l.DefaultOpts())
	name := strings.Repeat(strings.Repeat("a", 60)+".", 4) // 244 bytes of text
	bomb := boundsSearchBomb(1150)
	cfg.Options.Set(dhcp4.OptDomainSearch, bomb)
	l.StartFake(t, cfg)

	dir := t.TempDir()
	c := &confClient{log: filepath.Join(dir, "dhclient.log"), leases: filepath.Join(dir, "dhclient.leases"), dumps: filepath.Join(dir, "dumps")}
	if err := os.Mkdir(c.dumps, 0o755); err != nil {
		t.Fatal(err)
	}
	conf, script := filepath.Join(dir, "dhclient.conf"), filepath.Join(dir, "dump.sh")
	lab.WriteFile(t, conf, "timeout 20;\n"+strings.Repeat(fmt.Sprintf("include %q;\n", conf), 8), 0o644)
	lab.WriteFile(t, script, confDumpScript, 0o755)
	boundsGarbage(t, c.leases, 16<<20)

	p := lab.Start(t, l.ClientNS(), c.log, dhclientBin, "-d", "-v", "-cf", conf, "-lf", c.leases,
		"-pf", filepath.Join(dir, "dhclient.pid"), "-sf", script, "-e", "DUMPDIR="+c.dumps, l.ClientIf())

	env := c.waitHook(t, "BOUND", 60*time.Second)
	search := env["new_domain_search"]
	if len(search) == 0 || len(search) >= 32<<10 || !strings.HasPrefix(search, name+" "+name) {
		t.Errorf("new_domain_search is %d bytes (%.40q...), want the first names, under 32 KiB", len(search), search)
	}
	t.Logf("option 119: %d bytes on the wire, %d names, %d bytes of them in the hook", len(bomb), (len(bomb)-245)/2+1, len(search))

	hwm := boundsVmHWM(t, p.Pid())
	t.Logf("daemon VmHWM %d KiB", hwm>>10)
	if hwm >= boundsMaxHWM {
		t.Errorf("daemon peak memory %d MiB, want under %d MiB", hwm>>20, boundsMaxHWM>>20)
	}

	for _, want := range []string{
		// The configuration: each self-include is refused where it is.
		conf + " line 2: " + conf + ": include cycle, the file is already being read.",
		conf + " line 9: " + conf + ": include cycle, the file is already being read.",
		// The lease file: a hundred problems shown, then their count.
		c.leases + " line 1: Corrupt lease file - possible data loss!",
		"more not shown.",
		// The option: cut, and said so.
		"option domain_search: ",
		"names left out: cut to fit - exported cut short",
	} {
		lab.WaitLog(t, c.log, want, 10*time.Second)
	}
	if n := strings.Count(c.readLog(t), "Corrupt lease file"); n > 100 {
		t.Errorf("the log has %d corrupt-lease-file lines, want at most 100", n)
	}
	// The garbage is replaced by the lease, without the cut option: the
	// file keeps what the server meant or nothing.
	c.waitLease(t, "  fixed-address "+env["new_ip_address"]+";")
	if b, _ := os.ReadFile(c.leases); strings.Contains(string(b), "domain-search") || len(b) > 64<<10 {
		t.Errorf("lease file is %d bytes, domain-search in it: %v", len(b), strings.Contains(string(b), "domain-search"))
	}
}

// boundsSearchBomb returns option 119 data of size bytes: one name of
// four 60-byte labels (245 bytes on the wire), then compression pointers
// to it (RFC 1035 §4.1.4), each another copy of the name.
func boundsSearchBomb(size int) []byte {
	var d []byte
	for range 4 {
		d = append(d, 60)
		d = append(d, strings.Repeat("a", 60)...)
	}
	d = append(d, 0)
	for len(d)+2 <= size {
		d = append(d, 0xc0, 0)
	}
	return d
}

// boundsGarbage writes n pseudo-random bytes to path, from a fixed seed.
func boundsGarbage(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.NewChaCha8([32]byte{'l', 'e', 'a', 's', 'e', 'd'})
	w := bufio.NewWriter(f)
	buf := make([]byte, 64<<10)
	for written := 0; written < n; written += len(buf) {
		r.Read(buf)
		w.Write(buf[:min(len(buf), n-written)])
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// boundsVmHWM returns the peak resident set size of pid, in bytes, from
// /proc/PID/status.
func boundsVmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
