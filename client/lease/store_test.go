package lease

import (
	"regexp"
	"strings"
	"testing"
)

// A save's temporary file is never taken for a lease file by cloud-init,
// which picks the newest file whose name an unanchored pattern matches
// (cloudinit/net/dhcp.py, the distros' dhclient_lease_file_regex).
func TestSaveTempNameIsNoLeaseFileName(t *testing.T) {
	name := strings.Replace(tempPattern, "*", "1234567890", 1)
	for _, pattern := range []string{
		`dhclient\.\w+\.leases`,     // Debian, Ubuntu
		`dhclient-[\w-]+\.lease`,    // RHEL, Amazon Linux
		`dhclient\.(\w+\.)?leases$`, // the default
		`\.leases?$`,                // cloud-init 22.4's suffix
	} {
		if regexp.MustCompile(pattern).MatchString(name) {
			t.Errorf("temporary file %s matches cloud-init's %s", name, pattern)
		}
	}
}
