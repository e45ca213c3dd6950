//go:build linux

package e2e

import (
	"debug/elf"
	"strings"
	"testing"
)

// The daemon's footprint is mostly its binary: the kernel maps the pages
// around every one it runs into its RSS (README "Performance"). These
// packages were taken out on purpose and come back with one careless
// call: net.Dial or net.ListenConfig links the DNS resolver, which
// leased never uses (the addresses it opens are never names); the sleep
// watcher speaks D-Bus itself (platform/internal/dbus); platform speaks
// route netlink itself (platform/rtnl_linux.go); and crypto/rand,
// crypto/md5 or crypto/hmac link Go's FIPS 140 module, whose DRBG stands
// for it here (statemachine/dhcp4/md5.go).
func TestDaemonLeavesOutHeavyPackages(t *testing.T) {
	f, err := elf.Open(dhclientBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("symbols of %s: %v", dhclientBin, err)
	}
	unwanted := map[string]string{
		"net.(*Resolver).":              "the DNS resolver (a net.Dial, net.Dialer or net.ListenConfig call)",
		"github.com/godbus/":            "the godbus D-Bus library",
		"log/syslog.":                   "log/syslog, which dials through net.Dial",
		"crypto/internal/fips140/drbg.": "Go's FIPS 140 module (crypto/rand, crypto/md5 or crypto/hmac)",
		"github.com/vishvananda/":       "the netlink library",
	}
	found := map[string]string{}
	for _, s := range syms {
		for prefix := range unwanted {
			if strings.HasPrefix(s.Name, prefix) {
				found[prefix] = s.Name
			}
		}
	}
	for prefix, sym := range found {
		t.Errorf("dhclient links %s (symbol %s)", unwanted[prefix], sym)
	}
}
