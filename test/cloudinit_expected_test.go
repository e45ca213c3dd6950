//go:build linux

package e2e

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// ciExpected is what ISC dhclient 4.4.3-P1 gave cloud-init 22.4.2 against
// each server (normalised), the reference where ISC dhclient is not
// installed.
func ciExpected(server string) *ciResult {
	host := "NET.50" // dhcpd's fixed address
	if server == "fake" {
		host = "NET.100" // the first of the fakeserver's range
	}
	lease := map[string]string{
		"interface":                       "IF",
		"fixed-address":                   host,
		"subnet-mask":                     "255.255.255.0",
		"routers":                         "NET.1",
		"dhcp-lease-time":                 "600",
		"dhcp-message-type":               "5",
		"dhcp-server-identifier":          "NET.1",
		"domain-name":                     "lab.test",
		"domain-name-servers":             "NET.1",
		"interface-mtu":                   "1400",
		"ntp-servers":                     "NET.1",
		"rfc3442-classless-static-routes": "24,192,0,2,NET,1,0,NET,1",
	}
	file := []string{
		"fixed-address " + host + ";",
		`interface "IF";`,
		"option dhcp-lease-time 600;",
		"option dhcp-message-type 5;",
		"option dhcp-server-identifier NET.1;",
		`option domain-name "lab.test";`,
		"option domain-name-servers NET.1;",
		"option interface-mtu 1400;",
		"option ntp-servers NET.1;",
		"option rfc3442-classless-static-routes 24,192,0,2,NET,1,0,NET,1;",
		"option routers NET.1;",
		"option subnet-mask 255.255.255.0;",
	}
	if server == "fake" {
		lease["unknown-248"] = ""
		file = append(file, `option unknown-248 "";`)
	}
	unconfigured := debState{Link: "up mtu 1500"}
	return &ciResult{
		complete: true,
		lease:    lease,
		file:     file,
		states: map[string]debState{
			"start":      unconfigured,
			"discovered": unconfigured,
			"ephemeral": {
				Link:  "up mtu 1500",
				Addrs: []string{host + "/24 brd NET.255"},
				Routes: []string{
					"192.0.2.0/24 via NET.1 metric 0 proto boot scope universe",
					"NET.0/24 metric 0 proto kernel scope link src " + host,
					"default via NET.1 metric 0 proto boot scope universe",
				},
			},
			"cleaned": {Link: "down mtu 1500"}, // cloud-init sets the link down
		},
	}
}

// ciCheckExpected reports (without failing: the comparison is with ISC
// itself) where ISC's run differs from ciExpected.
func ciCheckExpected(t *testing.T, isc, exp *ciResult) {
	t.Helper()
	if !isc.complete {
		return
	}
	var diffs []string
	if !maps.Equal(isc.lease, exp.lease) {
		diffs = append(diffs, fmt.Sprintf("lease %#v", isc.lease))
	}
	if !slices.Equal(isc.file, exp.file) {
		diffs = append(diffs, fmt.Sprintf("file %#v", isc.file))
	}
	for _, st := range ciStates {
		if !isc.states[st].equal(exp.states[st]) {
			diffs = append(diffs, fmt.Sprintf("%s: %#v", st, isc.states[st]))
		}
	}
	if len(diffs) > 0 {
		t.Logf("NOTE: ISC dhclient's run differs from ciExpected, used where ISC is not installed; update it:\n%s", diffs)
	}
}
