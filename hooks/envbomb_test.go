package hooks

import (
	"strings"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestEnvCutsDomainSearchBomb is issue 12's ACK: a 1466-byte option 119
// whose compression pointers expand to 144 KB. The variable is exported
// cut to ISC's 32 KiB, the log says so, and the rest of the lease is
// there.
func TestEnvCutsDomainSearchBomb(t *testing.T) {
	label := strings.Repeat("a", 60)
	var d []byte
	for range 4 {
		d = append(d, 60)
		d = append(d, label...)
	}
	d = append(d, 0)
	for len(d) < 1466 {
		d = append(d, 0xc0, 0)
	}
	l := lease(opt(dhcp4.OptDomainSearch, string(d)), opt(dhcp4.OptSubnetMask, "\xff\xff\xff\x00"))
	var warns []string
	env := Env(Call{Reason: "BOUND", New: l, Old: l}, dhcp4.NewCatalogue(), func(m string) { warns = append(warns, m) })
	var search string
	total := 0
	for _, kv := range env {
		total += len(kv) + 1
		if v, ok := strings.CutPrefix(kv, "new_domain_search="); ok {
			search = v
		}
	}
	if len(search) == 0 || len(search) >= 32<<10 || !strings.HasPrefix(search, label+".") {
		t.Errorf("new_domain_search is %d bytes, want the first names under 32 KiB", len(search))
	}
	if total >= minArgSpace {
		t.Errorf("environment is %d bytes, over what execve always takes", total)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "option domain_search: ") || !strings.HasSuffix(warns[0], "names left out: cut to fit - exported cut short") {
		t.Errorf("warnings %q, want one per lease block saying the value was cut", warns)
	}
	if !strings.Contains(strings.Join(env, "\n"), "new_network_number=192.0.2.0") {
		t.Error("the rest of the lease is missing")
	}
}
