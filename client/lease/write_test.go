package lease

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// TestWriteReproducesGolden reads each golden file and writes it again:
// the text must be ISC's. ISC writes options in hash order, which the
// reader keeps, so the comparison is exact; blocks are also compared as
// sets of lines so that a failure shows what differs.
func TestWriteReproducesGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.leases")
	for _, p := range files {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			want := readText(t, name)
			f := parseFile(t, name)
			format := Format{}
			if strings.Contains(want, "epoch ") {
				format.Time = TimeLocal
			}
			if strings.HasPrefix(want, "default-duid 00:") {
				format.ID = IDHex
			}
			var buf bytes.Buffer
			if err := write(&buf, f, testCatalogue(t), format, time.UTC); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != want {
				gl, wl := sortedLines(got), sortedLines(want)
				t.Errorf("text differs; lines only in output: %q; only in golden: %q",
					minus(gl, wl), minus(wl, gl))
			}
		})
	}
}

func sortedLines(s string) []string {
	l := strings.Split(s, "\n")
	sort.Strings(l)
	return l
}

// minus returns the lines of a that b lacks (multiset difference).
func minus(a, b []string) []string {
	n := map[string]int{}
	for _, x := range b {
		n[x]++
	}
	var out []string
	for _, x := range a {
		if n[x] > 0 {
			n[x]--
			continue
		}
		out = append(out, x)
	}
	return out
}

func TestWriteSkipsFallbackAndWritesFlags(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f := &File{Leases: []Entry{
		{Interface: "eth0", Lease: &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.9"), Fallback: true, Expire: exp}},
		{Interface: "eth0", Name: "ps", Lease: &statemachine.Lease{
			Addr: netip.MustParseAddr("192.0.2.10"), BOOTP: true, Medium: "m \"1\"",
			Renew: exp, Rebind: exp,
		}},
		{Interface: "eth1"},
	}}
	var buf bytes.Buffer
	if err := write(&buf, f, testCatalogue(t), Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := "lease {\n  bootp;\n  interface \"eth0\";\n  name \"ps\";\n  fixed-address 192.0.2.10;\n" +
		"  medium \"m \\\"1\\\"\";\n  renew 3 2030/01/02 03:04:05;\n  rebind 3 2030/01/02 03:04:05;\n  expire never;\n}\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	back, errs := Parse(strings.NewReader(want), "w", testCatalogue(t))
	if len(errs) != 0 || len(back.Leases) != 1 {
		t.Fatalf("read back: %v, %d leases", errs, len(back.Leases))
	}
	l := back.Leases[0].Lease
	if !l.BOOTP || l.Medium != "m \"1\"" || back.Leases[0].Name != "ps" || !l.Infinite() {
		t.Errorf("read back %+v", l)
	}
}

func TestStoreSaveLoad(t *testing.T) {
	dir := t.TempDir()
	st := &Store{Path: filepath.Join(dir, "dhclient.leases"), Catalogue: testCatalogue(t)}
	f, errs := st.Load(nil)
	if len(errs) != 0 || len(f.Leases) != 0 {
		t.Fatalf("missing file: got %v, %d leases", errs, len(f.Leases))
	}
	orig := parseFile(t, "1a-after-bound-and-renew.leases")
	if err := st.Save(orig); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(orig); err != nil { // replaces an existing file
		t.Fatal(err)
	}
	fi, err := os.Stat(st.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode: got %v, want 0644", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the lease file", len(ents))
	}
	// The golden file is ISC's bound block and its renewal, for one
	// address: as ISC's rewrite does, only the renewal is saved.
	got, _ := os.ReadFile(st.Path)
	golden := readText(t, "1a-after-bound-and-renew.leases")
	if want := golden[strings.LastIndex(golden, "lease {"):]; string(got) != want {
		t.Errorf("saved text:\n%s\nwant the golden file's last block:\n%s", got, want)
	}
	back, errs := st.Load(testCatalogue(t))
	if len(errs) != 0 || len(back.Leases) != 1 {
		t.Errorf("load: %v, %d leases, want 1", errs, len(back.Leases))
	}
}

func TestStoreSaveFailsInMissingDir(t *testing.T) {
	st := &Store{Path: filepath.Join(t.TempDir(), "no", "dhclient.leases")}
	if err := st.Save(&File{}); err == nil {
		t.Error("save into a missing directory succeeded")
	}
}

// A host name of NULs only prints as "", which reads back as the empty
// host name ISC drops: it is left out, so that writing the file again
// gives the same text (found by FuzzLeaseFile).
func TestWriteLeavesOutHostNameOfNULs(t *testing.T) {
	l := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.10"), Expire: time.Unix(1e9, 0)}
	l.Options.Set(dhcp4.OptHostName, []byte{0})
	var buf bytes.Buffer
	if err := write(&buf, &File{Leases: []Entry{{Interface: "eth0", Lease: l}}}, testCatalogue(t), Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "host-name") {
		t.Errorf("host-name of NULs written:\n%s", buf.String())
	}
}

// A domain name's labels are written unquoted, as ISC writes them
// (pretty_dname), so a server's label holding ';', '{', '}' or '#' would
// end the statement, the block or the line early, and a '.' inside a
// label reads back as two labels, which the environment of a domain
// list shows ("a\\.b" before, "a.b" after). Such an option is left out:
// the rest of the lease, and the next interface's, read back whole.
func TestWriteLeavesOutOptionsThatReadBackOtherwise(t *testing.T) {
	cat := testCatalogue(t)
	for _, label := range []string{"x;}", "x#", "x{", "{{", "}", "a.b"} {
		name := append([]byte{byte(len(label))}, label...)
		name = append(name, "\x07example\x00"...)
		l := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.10"), Expire: time.Unix(1e9, 0)}
		l.Options.Set(137, name) // v4-lost, a domain-name
		l.Options.Set(dhcp4.OptDomainSearch, name)
		l.Options.SetAddr(dhcp4.OptRouter, netip.MustParseAddr("192.0.2.1"))
		other := &statemachine.Lease{Addr: netip.MustParseAddr("198.51.100.10"), Expire: time.Unix(1e9, 0)}
		var buf bytes.Buffer
		f := &File{Leases: []Entry{{Interface: "eth0", Lease: l}, {Interface: "eth1", Lease: other}}}
		if err := write(&buf, f, cat, Format{}, time.UTC); err != nil {
			t.Fatal(err)
		}
		back, errs := Parse(bytes.NewReader(buf.Bytes()), "back", cat)
		if len(errs) != 0 || len(back.Leases) != 2 {
			t.Errorf("label %q: read back %d leases, errors %v:\n%s", label, len(back.Leases), errs, buf.String())
			continue
		}
		got := back.Leases[0].Lease
		if r, ok := got.Options.Addr(dhcp4.OptRouter); !ok || r != netip.MustParseAddr("192.0.2.1") || !got.Expire.Equal(l.Expire) {
			t.Errorf("label %q: routers %v, expiry %v after reading back:\n%s", label, r, got.Expire, buf.String())
		}
		for _, code := range []uint8{137, dhcp4.OptDomainSearch} {
			d, ok := got.Options.Get(code)
			if !ok {
				continue
			}
			was, _ := cat.FormatEnv(code, name)
			is, err := cat.FormatEnv(code, d)
			if err != nil || is != was {
				t.Errorf("label %q: option %d reads back as %q (%q in the environment, %q before):\n%s", label, code, d, is, was, buf.String())
			}
		}
	}
}

// TestInfiniteLeaseRoundTrip reads what ISC dhclient 4.4.3 wrote for a
// lease time of 0xffffffff (dnsmasq "infinite", captured with
// /sbin/dhclient): the number, and dates 2^31, 7/8 * 2^32 and 2^32 - 1 s
// after the ACK. The lease reads back as infinite and never expired.
func TestInfiniteLeaseRoundTrip(t *testing.T) {
	f := parseFile(t, "infinite-isc-4.4.3.leases")
	if len(f.Leases) != 1 {
		t.Fatalf("%d leases, want 1", len(f.Leases))
	}
	l := f.Leases[0].Lease
	if !l.Infinite() || l.ExpiredAt(time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("lease infinite=%v, expired in 2200=%v; want infinite, not expired", l.Infinite(), l.ExpiredAt(time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	if got, want := l.Expire.Unix()-l.Renew.Unix(), int64(4294967295-2147483648); got != want {
		t.Errorf("expire - renew = %d s, want %d", got, want)
	}
}
