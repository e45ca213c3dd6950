//go:build linux

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leased/leased/test/lab"
)

// Paths of the binaries under test, built once by TestMain from this
// checkout so that `go test ./...` tests the code it sits next to.
var (
	dhclientBin    string
	dhclientctlBin string
	// contribDir holds the shipped scripts (dhclient-script, hooks/).
	contribDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "leased-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The binaries land in DIR/sbin so that the daemon's search for its
	// script next to its data does not find this checkout's contrib/.
	bin := filepath.Join(dir, "sbin")
	for _, pkg := range []string{"dhclient", "dhclientctl"} {
		if err := lab.Build(filepath.Join(bin, pkg), "../cmd/"+pkg); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	dhclientBin = filepath.Join(bin, "dhclient")
	// The tests read leased's own notices (state changes, who configures)
	// from its -d -v output; a user sees ISC's lines only.
	os.Setenv("LEASED_LOG", "notice")
	dhclientctlBin = filepath.Join(bin, "dhclientctl")
	contribDir, _ = filepath.Abs("../contrib")
	return m.Run()
}
