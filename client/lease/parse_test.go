package lease

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func parseFile(t *testing.T, name string) *File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, errs := Parse(bytes.NewReader(b), name, testCatalogue(t))
	for _, e := range errs {
		t.Errorf("%s: unexpected error: %v", name, e)
	}
	return f
}

func TestParseGoldenFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.leases")
	// The eight of reference/isc-golden and ISC's infinite lease.
	if len(files) != 9 {
		t.Fatalf("got %d golden lease files, want 9", len(files))
	}
	for _, p := range files {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			f := parseFile(t, name)
			want := strings.Count(readText(t, name), "lease {")
			if len(f.Leases) != want {
				t.Fatalf("got %d leases, want %d", len(f.Leases), want)
			}
			for _, e := range f.Leases {
				if !strings.HasPrefix(e.Interface, "isc") || !e.Lease.Addr.Is4() {
					t.Errorf("lease %+v lacks interface or address", e)
				}
			}
		})
	}
}

func readText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseGoldenValues(t *testing.T) {
	f := parseFile(t, "1a-after-bound-and-renew.leases")
	l := f.Leases[0].Lease
	if got, want := l.Addr, netip.MustParseAddr("10.77.0.146"); got != want {
		t.Errorf("addr: got %v, want %v", got, want)
	}
	checkTime(t, "renew", l.Renew, "2026-11-22T18:25:11Z")
	checkTime(t, "rebind", l.Rebind, "2026-11-22T18:26:09Z")
	checkTime(t, "expire", l.Expire, "2026-11-22T18:26:24Z")
	if d, _ := l.Options.Get(dhcp4.OptDomainName); string(d) != "superseded.test" {
		t.Errorf("domain-name: got %q", d)
	}
	if got := l.Options.Addrs(dhcp4.OptDNS); len(got) != 3 || got[0] != netip.MustParseAddr("127.0.0.53") {
		t.Errorf("domain-name-servers: got %v", got)
	}
	if d, _ := l.Options.Get(224); !bytes.Equal(d, []byte{0xde, 0xad, 0xbe, 0xef, 0, 1}) {
		t.Errorf("unknown-224: got %x", d)
	}
	if d, _ := l.Options.Get(251); !strings.Contains(string(d), `quotes " and ' , dollar $HOME, backtick `+"`id`") {
		t.Errorf("isc-long-text: got %q", d)
	}

	f = parseFile(t, "10-omapi-after-state-2.leases")
	l = f.Leases[0].Lease
	if l.Filename != "boot;file.bin" || l.ServerName != "bad$server" {
		t.Errorf("filename/server-name: got %q %q", l.Filename, l.ServerName)
	}
	if d, _ := l.Options.Get(251); string(d) != "A\x00B\nC\xff" {
		t.Errorf("isc-long-text: got %q", d)
	}
}

func checkTime(t *testing.T, what string, got time.Time, want string) {
	t.Helper()
	w, err := time.Parse(time.RFC3339, want)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(w) {
		t.Errorf("%s: got %v, want %v", what, got, w)
	}
}

func TestParseDUIDAndEpochDates(t *testing.T) {
	want := []byte{0, 1, 0, 1, 0x32, 0x95, 0xf0, 0xc0, 0x5e, 0xcf, 0x1d, 0xce, 0x33, 0x20}
	f7 := parseFile(t, "7-db-time-format-local-lease-id-hex-with-i.leases")
	if !bytes.Equal(f7.DefaultDUID, want) {
		t.Errorf("hex DUID: got %x, want %x", f7.DefaultDUID, want)
	}
	checkTime(t, "epoch renew", f7.Leases[0].Lease.Renew, "2026-11-22T18:51:38Z")
	f8 := parseFile(t, "8-default-octal-duid-with-i.leases")
	want8 := []byte{0, 1, 0, 1, 0x32, 0x95, 0xf0, 0xc8, 0x5e, 0xcf, 0x1d, 0xce, 0x33, 0x20}
	if !bytes.Equal(f8.DefaultDUID, want8) {
		t.Errorf("octal DUID: got %x, want %x", f8.DefaultDUID, want8)
	}
}

func TestParseDateForms(t *testing.T) {
	tests := []struct {
		date string
		want string // RFC 3339, "" for never
	}{
		{"0 2037/1/1 00:00:01", "2037-01-01T00:00:01Z"},
		{"4 2026/11/22 18:25:11", "2026-11-22T18:25:11Z"},
		{"6 2026/02/28 1:2:3", "2026-02-28T01:02:03Z"},
		{"epoch 1795373498; # Sun Nov 22 18:51:38 2026", "2026-11-22T18:51:38Z"},
		{"never", ""},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			text := "lease { interface \"eth0\"; fixed-address 192.0.2.1;\n expire " + tt.date
			if !strings.Contains(tt.date, ";") {
				text += ";"
			}
			text += "\n}\n"
			f, errs := Parse(strings.NewReader(text), "t", dhcp4.NewCatalogue())
			if len(errs) != 0 || len(f.Leases) != 1 {
				t.Fatalf("errors %v, %d leases", errs, len(f.Leases))
			}
			got := f.Leases[0].Lease.Expire
			if tt.want == "" {
				if !got.IsZero() {
					t.Errorf("got %v, want never", got)
				}
				return
			}
			checkTime(t, "expire", got, tt.want)
		})
	}
}

// ISC 4.4.3 has no definition for options 121 and 249 unless its
// dhclient.conf declares them (Debian's does), and writes them as
// unknown-121 and unknown-249 in hex. leased, which defines both, reads
// them all the same (a lease file taken over from such a dhclient), and
// writes them under its own names.
func TestParseUnknownNamesOfDefinedOptions(t *testing.T) {
	const text = `lease {
  interface "eth0";
  fixed-address 192.0.2.10;
  option unknown-121 18:a:a:0:c0:a8:32:fe:0:c0:a8:32:1;
  option unknown-249 18:a:a:0:c0:a8:32:fe;
  expire 4 2030/01/02 03:04:05;
}
`
	cat := dhcp4.NewCatalogue()
	f, errs := Parse(strings.NewReader(text), "t", cat)
	if len(errs) != 0 || len(f.Leases) != 1 {
		t.Fatalf("read %d leases, errors %v", len(f.Leases), errs)
	}
	opts := f.Leases[0].Lease.Options
	for code, want := range map[uint8][]byte{
		121: {24, 10, 10, 0, 192, 168, 50, 254, 0, 192, 168, 50, 1},
		249: {24, 10, 10, 0, 192, 168, 50, 254},
	} {
		if got, ok := opts.Get(code); !ok || !bytes.Equal(got, want) {
			t.Errorf("option %d = %v, want %v", code, got, want)
		}
	}
	var out bytes.Buffer
	if err := Write(&out, f, cat, Format{}); err != nil {
		t.Fatal(err)
	}
	if want := "  option rfc3442-classless-static-routes 24,10,10,0,192,168,50,254,0,192,168,50,1;\n"; !strings.Contains(out.String(), want) {
		t.Errorf("written:\n%s\nwant the line %q", out.String(), want)
	}
}
