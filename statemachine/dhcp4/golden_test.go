package dhcp4

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// opt assembles one wire option.
func opt(code uint8, data ...byte) []byte {
	return append([]byte{code, byte(len(data))}, data...)
}

// str is a helper for text option data.
func str(s string) []byte { return []byte(s) }

// dnsmasqACK is the DHCPACK dnsmasq 2.90 sent for harness/dnsmasq.conf
// (packets/main-server-side-tcpdump.txt): options in dnsmasq's order, and
// 119, 3 and 6 moved into the file field with option 52 = 1.
func dnsmasqACK() []byte {
	var b []byte
	b = append(b, 2, 1, 6, 0)                         // op BOOTREPLY, htype ethernet, hlen 6, hops
	b = append(b, 0xc8, 0xf4, 0xf9, 0x7e, 0, 0, 0, 0) // xid, secs, flags
	b = append(b, 0, 0, 0, 0, 10, 77, 0, 146, 10, 77, 0, 1, 0, 0, 0, 0)
	chaddr := make([]byte, 16)
	copy(chaddr, []byte{2, 0, 0, 0x77, 0, 2})
	b = append(b, chaddr...)
	b = append(b, make([]byte, 64)...) // sname
	file := slices.Concat(
		// domain-search: example.test, corp + pointer to offset 0
		opt(119, slices.Concat([]byte{7}, str("example"), []byte{4}, str("test"), []byte{0, 4}, str("corp"), []byte{0xc0, 0})...),
		opt(3, 10, 77, 0, 1),
		opt(6, 10, 77, 0, 1, 10, 77, 0, 2),
		[]byte{255},
	)
	b = append(b, file...)
	b = append(b, make([]byte, 128-len(file))...)
	b = append(b, 99, 130, 83, 99)
	b = append(b, slices.Concat(
		opt(53, 5), opt(54, 10, 77, 0, 1), opt(51, 0, 0, 0, 120),
		opt(58, 0, 0, 0, 60), opt(59, 0, 0, 0, 105),
		opt(1, 255, 255, 255, 0), opt(28, 10, 77, 0, 255),
		opt(224, 0xde, 0xad, 0xbe, 0xef, 0, 1),
		opt(254, 1, 0xff, 0xff, 0xff, 0xfe, 0x0a, 0x4d, 0, 9, 'r', 'e', 'c'),
		opt(253, 1, 0, 2, 0, 0xff, 0xff),
		opt(252, str("http://wpad.example.test/wpad.dat")...),
		opt(251, str(`A long text option: spaces, quotes " and ' , dollar $HOME, backtick `+"`id`"+`, semicolon ; pipe | amp & backslash \ end.`)...),
		opt(250, 10, 77, 0, 9), opt(46, 8), opt(19, 0),
		opt(2, 0xff, 0xff, 0xf1, 0xf0), // -3600
		opt(12, str("client-one")...),
		opt(121, 24, 192, 168, 50, 10, 77, 0, 1, 0, 10, 77, 0, 1),
		opt(44, 10, 77, 0, 7), opt(26, 0x05, 0x78),
		opt(42, 10, 77, 0, 5, 10, 77, 0, 6),
		opt(52, 1),
		opt(15, str("example.test")...),
		[]byte{255},
	)...)
	return b
}

var optionDefRE = regexp.MustCompile(`(?m)^option ([a-z0-9-]+) code ([0-9]+) = (.*);$`)

// goldenCatalogue returns the catalogue with the definitions of
// testdata/golden/dhclient.conf applied.
func goldenCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	conf, err := os.ReadFile("testdata/golden/dhclient.conf")
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalogue()
	matches := optionDefRE.FindAllStringSubmatch(string(conf), -1)
	if len(matches) != 5 {
		t.Fatalf("got %d option definitions in dhclient.conf, want 5", len(matches))
	}
	for _, m := range matches {
		typ, err := ParseType(m[3])
		if err != nil {
			t.Fatal(err)
		}
		var code uint8
		for _, d := range m[2] {
			code = code*10 + uint8(d-'0')
		}
		c.Define(Def{Name: m[1], Code: code, Type: typ})
	}
	return c
}

// rawServerValues replaces the golden values that dhclient.conf's
// supersede and prepend changed with the server's own values.
var rawServerValues = map[string][2]string{
	"domain-name":         {"example.test", `"example.test"`},
	"domain-name-servers": {"10.77.0.1 10.77.0.2", "10.77.0.1,10.77.0.2"},
}

func TestGoldenEnvironment(t *testing.T) {
	m, err := Parse(dnsmasqACK())
	if err != nil {
		t.Fatal(err)
	}
	c := goldenCatalogue(t)
	var got []string
	for _, code := range m.Options.Codes() {
		d, _ := m.Options.Get(code)
		v, err := c.FormatEnv(code, d)
		if err != nil {
			t.Fatalf("option %d: %v", code, err)
		}
		if v != "" && CheckValue(code, v) {
			got = append(got, "new_"+EnvName(c.ByCode(code).Name)+"="+v)
		}
	}
	slices.Sort(got)
	want := goldenLines(t, "testdata/golden/01-BOUND.sorted", func(line string) (string, bool) {
		name, value, _ := strings.Cut(strings.TrimPrefix(line, "new_"), "=")
		switch {
		case !strings.HasPrefix(line, "new_"):
			return "", false
		case slices.Contains([]string{"ip_address", "next_server", "network_number", "expiry"}, name):
			return "", false // lease fields, not options
		}
		if raw, ok := rawServerValues[strings.ReplaceAll(name, "_", "-")]; ok {
			value = raw[0]
		}
		return "new_" + name + "=" + value, true
	})
	if !slices.Equal(got, want) {
		t.Errorf("environment differs\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGoldenLeaseOptions(t *testing.T) {
	m, err := Parse(dnsmasqACK())
	if err != nil {
		t.Fatal(err)
	}
	c := goldenCatalogue(t)
	var got []string
	for _, code := range m.Options.Codes() {
		d, _ := m.Options.Get(code)
		v, err := c.FormatLease(code, d)
		if err != nil {
			t.Fatalf("option %d: %v", code, err)
		}
		got = append(got, "option "+c.ByCode(code).Name+" "+v+";")
	}
	slices.Sort(got)
	block := 0
	want := goldenLines(t, "testdata/golden/1a-after-bound-and-renew.leases", func(line string) (string, bool) {
		if line == "lease {" {
			block++
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "option ")
		if !ok || block != 1 {
			return "", false
		}
		name, _, _ := strings.Cut(rest, " ")
		if raw, ok := rawServerValues[name]; ok {
			rest = name + " " + raw[1] + ";"
		}
		return "option " + rest, true
	})
	if !slices.Equal(got, want) {
		t.Errorf("lease options differ\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Every line reads back to the server's bytes.
	for _, code := range m.Options.Codes() {
		d, _ := m.Options.Get(code)
		v, _ := c.FormatLease(code, d)
		back, err := c.ParseValue(code, v)
		if err != nil || !bytes.Equal(back, d) {
			t.Errorf("option %d: ParseValue(%q) = %x, %v; want %x", code, v, back, err, d)
		}
	}
}

// goldenLines returns the lines of a golden file that keep selects, in
// the form it returns, sorted.
func goldenLines(t *testing.T, path string, keep func(string) (string, bool)) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l, ok := keep(sc.Text()); ok {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no lines selected", path)
	}
	slices.Sort(out)
	return out
}
