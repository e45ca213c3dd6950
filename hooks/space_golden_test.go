package hooks

import (
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// spacesCatalogue has the definitions of testdata/isc-spaces/dhclient.conf.
func spacesCatalogue(t *testing.T) *dhcp4.Catalogue {
	t.Helper()
	cat := dhcp4.NewCatalogue()
	def := func(name string, code uint8, typ string) {
		ty, err := dhcp4.ParseType(typ)
		if err != nil {
			t.Fatal(err)
		}
		cat.Define(dhcp4.Def{Name: name, Code: code, Type: ty})
	}
	def("t251", 251, "text")
	def("t254", 254, "domain-name")
	ip, _ := dhcp4.ParseType("ip-address")
	for _, err := range []error{
		cat.DefineSpace("acme", 1, 1),
		cat.DefineSub(dhcp4.SubDef{Space: "acme", Name: "server", Code: 1, Type: ip}),
		cat.SetVendorSpace("acme"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return cat
}

// readACK decodes testdata/isc-spaces/ack.hex.
func readACK(t *testing.T) *dhcp4.Message {
	t.Helper()
	text, err := os.ReadFile("testdata/isc-spaces/ack.hex")
	if err != nil {
		t.Fatal(err)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(string(text)), ""))
	if err != nil {
		t.Fatal(err)
	}
	m, err := dhcp4.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEnvMatchesISCSpaces builds the BOUND environment from the DHCPACK
// that ISC dhclient 4.4.3 received and compares it with what ISC gave its
// script: option 81 and the fqdn space, the vendor space of option 43,
// option 82 left whole, strings and text with trailing NULs, the root
// name, zero-length options (testdata/isc-spaces/README.md).
func TestEnvMatchesISCSpaces(t *testing.T) {
	m := readACK(t)
	expiry := time.Unix(1796198134, 0)
	l := &statemachine.Lease{Addr: m.YIAddr, NextServer: m.SIAddr, Options: m.Options.Joined(), Expire: expiry}
	prl := []uint8{1, 28, 2, 3, 15, 6, 12} // ISC's built-in list
	var warns []string
	env := Env(Call{Reason: "BOUND", Interface: "ldchk-vc", New: l, PRL: prl}, spacesCatalogue(t),
		func(s string) { warns = append(warns, s) })
	got := slices.DeleteFunc(env, func(s string) bool { return strings.HasPrefix(s, "pid=") })
	slices.Sort(got)
	want := goldenLines(t, "testdata/isc-spaces/01-BOUND.sorted")
	if !slices.Equal(got, want) {
		t.Errorf("environment differs\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %q", warns)
	}
}

// goldenLines returns the non-empty lines of path.
func goldenLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(strings.Split(string(b), "\n"), func(s string) bool { return s == "" })
}
