package lease

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/internal/isctext"
)

func TestParseRefusesOversizedFile(t *testing.T) {
	big := bytes.Repeat([]byte(" "), MaxFileSize+1)
	copy(big, goodBlock)
	f, errs := Parse(bytes.NewReader(big), "big.leases", testCatalogue(t))
	if len(f.Leases) != 0 || len(errs) != 1 || !errors.Is(errs[0], errTooLarge) {
		t.Fatalf("got %d leases, errors %v; want none and errTooLarge", len(f.Leases), errs)
	}
	if msg := errs[0].Error(); !strings.Contains(msg, "big.leases") || !strings.Contains(msg, "16 MiB") {
		t.Errorf("error %q does not name the file and the limit", msg)
	}
	// Exactly at the limit the file is read.
	f, _ = Parse(bytes.NewReader(big[:MaxFileSize]), "big.leases", testCatalogue(t))
	if len(f.Leases) != 1 {
		t.Errorf("file of %d bytes: got %d leases, want 1", MaxFileSize, len(f.Leases))
	}
}

func TestStoreLoadRefusesOversizedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dhclient.leases")
	if err := os.WriteFile(p, []byte(goodBlock), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, MaxFileSize+1); err != nil { // sparse: cheap
		t.Fatal(err)
	}
	f, errs := (&Store{Path: p}).Load(testCatalogue(t))
	if len(f.Leases) != 0 || len(errs) != 1 || !errors.Is(errs[0], errTooLarge) || !strings.Contains(errs[0].Error(), p) {
		t.Fatalf("got %d leases, errors %v; want none and errTooLarge naming %s", len(f.Leases), errs, p)
	}
}

func TestParseGarbageKeepsFewErrors(t *testing.T) {
	garbage := strings.Repeat("x;", 100000) + goodBlock
	f, errs := Parse(strings.NewReader(garbage), "g.leases", testCatalogue(t))
	if len(f.Leases) != 1 {
		t.Errorf("got %d leases, want the good block after the garbage", len(f.Leases))
	}
	if len(errs) != isctext.MaxErrors+1 {
		t.Fatalf("got %d errors, want %d and a summary", len(errs), isctext.MaxErrors)
	}
	want := "g.leases line 1: too many problems, 99900 more not shown."
	if got := errs[len(errs)-1].Error(); got != want {
		t.Errorf("got summary %q, want %q", got, want)
	}
}

func TestParseOverlongValue(t *testing.T) {
	long := "lease { interface \"eth0\"; fixed-address 192.0.2.1; option routers " +
		strings.Repeat("1.2.3.4,", isctext.MaxValueLen/8+1) + "1.2.3.4; expire never; }\n"
	f, errs := Parse(strings.NewReader(long+goodBlock), "v.leases", testCatalogue(t))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 1: value longer than 65536 bytes.") {
		t.Errorf("errors %v, want one value too long", errs)
	}
	if len(f.Leases) != 2 {
		t.Errorf("got %d leases, want both (the long option dropped)", len(f.Leases))
	}
}

func TestWriteCollapsesDuplicateBlocks(t *testing.T) {
	block := func(iface, name, addr string, expire int) string {
		s := "lease {\n  interface \"" + iface + "\";\n"
		if name != "" {
			s += "  name \"" + name + "\";\n"
		}
		return s + "  fixed-address " + addr + ";\n  expire epoch " + strconv.Itoa(expire) + ";\n}\n"
	}
	var in strings.Builder
	for i := range 1000 {
		in.WriteString(block("eth0", "", "192.0.2.7", 1000+i))
	}
	in.WriteString(block("eth0", "", "192.0.2.8", 5))
	in.WriteString(block("eth0", "alias", "192.0.2.7", 6))
	in.WriteString(block("eth1", "", "192.0.2.7", 7))
	in.WriteString(block("eth0", "", "192.0.2.7", 8))
	f, errs := Parse(strings.NewReader(in.String()), "d.leases", testCatalogue(t))
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	var out bytes.Buffer
	if err := write(&out, &File{Leases: collapse(f.Leases)}, testCatalogue(t), Format{}, time.UTC); err != nil {
		t.Fatal(err)
	}
	back, _ := Parse(&out, "again", testCatalogue(t))
	var got []string
	for _, e := range back.Leases {
		got = append(got, e.Interface+"/"+e.Name+"/"+e.Lease.Addr.String()+"@"+strconv.Itoa(int(e.Lease.Expire.Unix())))
	}
	want := "eth0//192.0.2.8@5 eth0/alias/192.0.2.7@6 eth1//192.0.2.7@7 eth0//192.0.2.7@8"
	if strings.Join(got, " ") != want {
		t.Errorf("written blocks:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// What File.Active makes of the file is unchanged.
	now := time.Unix(0, 0)
	a1, alt1 := f.Active("eth0", now)
	a2, alt2 := back.Active("eth0", now)
	if a1.Addr != a2.Addr || !a1.Expire.Equal(a2.Expire) || len(alt1) != len(alt2) {
		t.Errorf("active lease changed: %v %d alternatives, then %v %d", a1, len(alt1), a2, len(alt2))
	}
}
