//go:build linux

package e2e

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// debian/copyright names, in its header's comment, every Go module the
// binaries link and no other: go.mod also holds modules only the tests
// use, whose licenses the package does not ship.
func TestCopyrightNamesLinkedModules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{.Path}}{{end}}",
		"../cmd/dhclient", "../cmd/dhclientctl").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var linked []string
	for _, m := range strings.Fields(string(out)) {
		if m != "github.com/leased/leased" && !slices.Contains(linked, m) {
			linked = append(linked, m)
		}
	}
	text, err := os.ReadFile("../debian/copyright")
	if err != nil {
		t.Fatal(err)
	}
	named := copyrightModules(string(text))
	slices.Sort(linked)
	slices.Sort(named)
	if !slices.Equal(linked, named) {
		t.Errorf("debian/copyright names the modules\n  %v\nthe binaries link\n  %v", named, linked)
	}
}

// copyrightModules returns the module paths of the header's list: the
// comment's lines indented by two spaces that end in a colon, such as
// "  github.com/mdlayher/packet, github.com/mdlayher/socket:".
func copyrightModules(text string) []string {
	header, _, _ := strings.Cut(text, "\n\n")
	var mods []string
	for _, line := range strings.Split(header, "\n") {
		list, ok := strings.CutSuffix(strings.TrimPrefix(line, "  "), ":")
		if !ok || !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") {
			continue
		}
		for _, m := range strings.Split(list, ", ") {
			if strings.Contains(m, "/") && strings.Contains(m, ".") {
				mods = append(mods, m)
			}
		}
	}
	return mods
}
