package main

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client"
)

func noEnv(string) string { return "" }

func TestParseFlagsDebianIfupdownLine(t *testing.T) {
	// The exact line Debian's ifupdown runs (SPEC §1.1).
	args := strings.Fields("-4 -v -i -pf /run/dhclient.eth0.pid -lf /var/lib/dhcp/dhclient.eth0.leases -I -df /var/lib/dhcp/dhclient6.eth0.leases eth0 -e IF_METRIC=100")
	f, err := parseFlags(args, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := &Flags{Verbose: true, Options: client.Options{
		Interfaces: []string{"eth0"}, DUID: true, Env: []string{"IF_METRIC=100"},
		Port: 68, DeclineWait: 10 * time.Second, ConfPath: defaultConf,
		LeasePath: "/var/lib/dhcp/dhclient.eth0.leases", PIDPath: "/run/dhclient.eth0.pid",
		DUIDPath: "/var/lib/dhcp/dhclient6.eth0.leases",
	}}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got %+v\nwant %+v", f, want)
	}
}

func TestParseFlagsActionsAndValues(t *testing.T) {
	f, err := parseFlags([]string{"-d", "-r", "-s", "10.0.0.1", "-p", "1068", "--decline-wait-time", "3", "-D", "LL", "--no-pid", "eth1", "eth2"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if f.Action != ActionRelease || !f.Foreground || f.Server != netip.MustParseAddr("10.0.0.1") ||
		f.Port != 1068 || f.DeclineWait != 3*time.Second || !f.DUID || f.DUIDType != "LL" || !f.NoPID ||
		!reflect.DeepEqual(f.Interfaces, []string{"eth1", "eth2"}) {
		t.Errorf("got %+v", f)
	}
}

// Of -d, -v and -q the last decides whether the log goes to standard
// error (ISC's quiet), -d runs in the foreground whatever follows it;
// -D and -e take what ISC takes.
func TestParseFlagsAsISC(t *testing.T) {
	for _, tc := range []struct {
		args          string
		verbose, fore bool
	}{
		{"-d -q eth0", false, true}, // NetworkManager's
		{"-q -d eth0", true, true},
		{"-v -q eth0", false, false},
		{"-q -v eth0", true, false},
		{"eth0", false, false},
	} {
		f, err := parseFlags(strings.Fields(tc.args), noEnv)
		if err != nil || f.Verbose != tc.verbose || f.Foreground != tc.fore {
			t.Errorf("%s: verbose %v, foreground %v, %v; want %v, %v", tc.args, f.Verbose, f.Foreground, err, tc.verbose, tc.fore)
		}
	}
	f, err := parseFlags([]string{"-D", "llt", "-e", "FLAG", "eth0"}, noEnv)
	if err != nil || f.DUIDType != "LLT" || !reflect.DeepEqual(f.Env, []string{"FLAG"}) {
		t.Errorf("-D llt -e FLAG: %+v, %v; want DUID type LLT and FLAG passed on", f, err)
	}
}

func TestParseFlagsEnvironmentOverrides(t *testing.T) {
	env := map[string]string{"PATH_DHCLIENT_CONF": "/c", "PATH_DHCLIENT_DB": "/l", "PATH_DHCLIENT_PID": "/p", "PATH_DHCLIENT_SCRIPT": "/s"}
	f, err := parseFlags([]string{"-lf", "/flag.leases"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	got := []string{f.ConfPath, f.LeasePath, f.PIDPath, f.ScriptPath}
	if want := []string{"/c", "/flag.leases", "/p", "/s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v (flag beats environment)", got, want)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		usage bool
		text  string
	}{
		{[]string{"-dv"}, true, "Unknown command: -dv"},
		{[]string{"-lf"}, true, "-lf needs an argument"},
		{[]string{"-p", "x"}, true, "-p x"},
		{[]string{"-n", "eth0"}, true, "-n"},
		{[]string{"-D", "EN"}, true, "LL or LLT"},
		{[]string{"-6", "eth0"}, false, "DHCPv6 is not supported"},
		{[]string{"-S"}, false, "DHCPv6"},
		{[]string{"a-very-long-interface-name"}, false, "too long"},
		{[]string{"-s", "example.org"}, true, "IPv4 address"},
	} {
		_, err := parseFlags(tc.args, noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.text) || errors.Is(err, errUsage) != tc.usage {
			t.Errorf("parseFlags(%q) = %v, want error containing %q (usage %v)", tc.args, err, tc.text, tc.usage)
		}
	}
}

func TestParseFlagsMakesPathsAbsolute(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f, err := parseFlags([]string{"-lf", "x.leases", "-pf", "run/x.pid", "-sf", "./hook", "-cf", "c.conf", "-df", "d"}, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{f.LeasePath, f.PIDPath, f.ScriptPath, f.ConfPath, f.DUIDPath}
	want := []string{dir + "/x.leases", dir + "/run/x.pid", dir + "/hook", "c.conf", dir + "/d"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
