package lease

import (
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// testCatalogue returns the built-in options plus the custom definitions
// of the golden harness's dhclient.conf files, which the golden lease
// files use.
func testCatalogue(t testing.TB) *dhcp4.Catalogue {
	t.Helper()
	cat := dhcp4.NewCatalogue()
	for _, d := range []struct {
		name string
		code uint8
		typ  string
	}{
		{"rfc3442-classless-static-routes", 121, "array of unsigned integer 8"},
		{"xgrid-controller", 250, "ip-address"},
		{"isc-long-text", 251, "text"},
		{"isc-u16-array", 253, "array of unsigned integer 16"},
		{"isc-record", 254, "{ boolean, signed integer 32, ip-address, text }"},
	} {
		typ, err := dhcp4.ParseType(d.typ)
		if err != nil {
			t.Fatalf("ParseType(%q): %v", d.typ, err)
		}
		cat.Define(dhcp4.Def{Name: d.name, Code: d.code, Type: typ})
	}
	return cat
}
