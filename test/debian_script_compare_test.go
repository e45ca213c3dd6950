//go:build linux

package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// debCompare checks a leased run against the reference run: the same
// addresses, routes, MTU, resolv.conf, NTP files, service restarts and
// script reasons at every phase. In native mode leased adds the routes
// itself, with IF_METRIC, so only what they route where is compared; and
// on release it restores the MTU (SPEC §5) and its script the previous
// resolv.conf, where Debian's script leaves both as the lease had them.
func debCompare(t *testing.T, ref, got *debRecord, refName string, native bool) {
	t.Helper()
	for _, ph := range debPhases[1:] {
		w, g := ref.states[ph], got.states[ph]
		if !slices.Equal(g.Addrs, w.Addrs) {
			t.Errorf("%s: addresses %q, want %q as with %s", ph, g.Addrs, w.Addrs, refName)
		}
		if native {
			if gd, wd := g.destinations(), w.destinations(); !slices.Equal(gd, wd) {
				t.Errorf("%s: routes go to %q, want %q as with %s\ngot:\n  %s\nwant:\n  %s", ph, gd, wd, refName,
					strings.Join(g.Routes, "\n  "), strings.Join(w.Routes, "\n  "))
			}
		} else if !slices.Equal(g.Routes, w.Routes) {
			t.Errorf("%s: routes differ from %s's\ngot:\n  %s\nwant:\n  %s", ph, refName,
				strings.Join(g.Routes, "\n  "), strings.Join(w.Routes, "\n  "))
		}
		if d := g.duplicates(); len(d) > 0 {
			t.Errorf("%s: %q routed twice (a classless route added both by leased and by Debian's rfc3442 hook?):\n  %s", ph, d, strings.Join(g.Routes, "\n  "))
		}
		wantLink, why := w.Link, "as with "+refName
		if native && ph == "released" {
			wantLink, why = got.states["before"].Link, "restored as before the lease (SPEC §5)"
		}
		if g.Link != wantLink {
			t.Errorf("%s: link %q, want %q %s", ph, g.Link, wantLink, why)
		}
		for _, p := range debFiles() {
			wf, gf, why := ref.files[ph][p], got.files[ph][p], "as with "+refName
			if p == debResolv {
				wf, gf = debUncomment(wf), debUncomment(gf)
				if native && ph == "released" {
					wf, why = debUncomment(debResolvBefore), "restored by contrib/dhclient-script"
				}
			}
			if gf != wf {
				t.Errorf("%s: %s is\n%s\nwant (%s)\n%s", ph, p, debIndent(gf), why, debIndent(wf))
			}
		}
	}
	if !slices.Equal(got.reasons, ref.reasons) {
		t.Errorf("script reasons %q, want %q as with %s", got.reasons, ref.reasons, refName)
	}
	if !slices.Equal(got.stubs, ref.stubs) {
		t.Errorf("hooks ran\n%s\nwant (as with %s)\n%s", debIndent(strings.Join(got.stubs, "\n")), refName, debIndent(strings.Join(ref.stubs, "\n")))
	}
}

// debCheckExpected compares ISC's run with debExpected, which stands in
// for it where ISC dhclient is not installed; a difference means that
// debExpected needs updating (or that this machine's programs differ), so
// it is reported, not failed.
func debCheckExpected(t *testing.T, isc *debRecord) {
	t.Helper()
	if !isc.complete {
		return
	}
	exp := debExpected()
	var diffs []string
	for _, ph := range debPhases {
		if !isc.states[ph].equal(exp.states[ph]) {
			diffs = append(diffs, fmt.Sprintf("%s state:\n%v", ph, isc.states[ph]))
		}
		for _, p := range debFiles() {
			if isc.files[ph][p] != exp.files[ph][p] {
				diffs = append(diffs, fmt.Sprintf("%s %s: %q", ph, p, isc.files[ph][p]))
			}
		}
	}
	if !slices.Equal(isc.reasons, exp.reasons) {
		diffs = append(diffs, fmt.Sprintf("reasons %q", isc.reasons))
	}
	if !slices.Equal(isc.stubs, exp.stubs) {
		diffs = append(diffs, fmt.Sprintf("stubs %q", isc.stubs))
	}
	if len(diffs) > 0 {
		t.Logf("NOTE: ISC dhclient's run differs from debExpected, used where ISC is not installed; update it:\n%s", strings.Join(diffs, "\n"))
	}
}

// debUncomment drops comment lines (leased's script marks its
// resolv.conf with one).
func debUncomment(s string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

func debIndent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// debExpected is what ISC dhclient 4.4.3-P1 with Debian's script and
// hooks (isc-dhcp-client 4.4.3-P1-2, systemd-timesyncd 252, ntpsec and
// chrony of bookworm) was seen to leave at each phase, normalised: the
// reference where ISC dhclient is not installed.
func debExpected() *debRecord {
	unconfigured := debState{Link: "up mtu 1500"}
	bound := debState{
		Link:  "up mtu 1400",
		Addrs: []string{"NET.50/24 brd NET.255"},
		Routes: []string{
			"192.0.2.0/24 via NET.1 metric 0 proto boot scope universe",
			"NET.0/24 metric 0 proto kernel scope link src NET.50",
			"default via NET.1 metric 0 proto boot scope universe",
		},
	}
	released := debState{Link: "up mtu 1400"} // Debian's script leaves the MTU
	const resolv = "domain lab.test\nsearch lab.test\nnameserver NET.1\n"
	none := map[string]string{debResolv: debResolvBefore, debNtpsec: debAbsent, debTimesyncd: debAbsent, debChronyDir + "IF.sources": debAbsent}
	ntp := map[string]string{
		debResolv: resolv,
		debNtpsec: "# This file was copied from /etc/ntpsec/ntp.conf with the server options changed\n" +
			"# to reflect the information sent by the DHCP server.  Any changes made\n" +
			"# here will be lost at the next DHCP event.  Edit /etc/ntpsec/ntp.conf instead.\n\n" +
			"# NTP server entries received from DHCP server\nserver NET.1 iburst\n\n" +
			"driftfile /var/lib/ntpsec/ntp.drift\nrestrict default kod nomodify nopeer noquery limited\n",
		debTimesyncd:                "# NTP server entries received from DHCP server\n[Time]\nNTP=NET.1\n",
		debChronyDir + "IF.sources": "server NET.1 iburst\n",
	}
	gone := map[string]string{debResolv: resolv, debNtpsec: debAbsent, debTimesyncd: debAbsent, debChronyDir + "IF.sources": debAbsent}
	return &debRecord{
		complete: true,
		states:   map[string]debState{"before": unconfigured, "bound": bound, "renewed": bound, "released": released},
		files:    map[string]map[string]string{"before": none, "bound": ntp, "renewed": ntp, "released": gone},
		reasons:  []string{"PREINIT", "BOUND", "RENEW", "RELEASE"},
		stubs: []string{
			"BOUND invoke-rc.d ntpsec try-restart",
			"BOUND systemctl try-restart systemd-timesyncd.service",
			"RELEASE invoke-rc.d ntpsec try-restart",
			"RELEASE systemctl try-restart systemd-timesyncd.service",
		},
	}
}
