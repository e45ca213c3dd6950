package hooks

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

func lease(opts ...dhcp4.Option) *statemachine.Lease {
	return &statemachine.Lease{
		Addr:    netip.MustParseAddr("192.0.2.10"),
		Options: opts,
		Expire:  time.Unix(1700000000, 0),
	}
}

func opt(code uint8, data string) dhcp4.Option { return dhcp4.Option{Code: code, Data: []byte(data)} }

// vars returns the new_ variables of env as name=value, sorted.
func newVars(env []string) []string {
	var out []string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "new_"); ok {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// TestEnvDropsHostileValues is the hostile server: the values
// never reach the environment and the log says why, in ISC's words.
func TestEnvDropsHostileValues(t *testing.T) {
	l := lease(
		opt(dhcp4.OptHostName, "x;reboot"),
		opt(dhcp4.OptDomainName, "$(id)"),
		opt(dhcp4.OptRootPath, "/srv;rm -rf /"),
		opt(dhcp4.OptNISDomain, "nis.test"),
		opt(dhcp4.OptCaptivePortal, "https://portal.test/api"),
	)
	l.Filename = "boot`id`"
	l.ServerName = "srv name"
	var warns []string
	env := Env(Call{Reason: "BOUND", New: l}, dhcp4.NewCatalogue(), func(m string) { warns = append(warns, m) })
	want := []string{"default_url=https://portal.test/api", "expiry=1700000000", "ip_address=192.0.2.10", "nis_domain=nis.test"}
	if got := newVars(env); !slices.Equal(got, want) {
		t.Errorf("new_ variables %q, want %q", got, want)
	}
	// Options in ISC's hash order: root-path (17, bucket 0), host-name
	// (12), domain-name (15), as golden logs 7 and 10 show them.
	wantWarns := []string{
		"suspect value in boot`id` option - discarded",
		"suspect value in srv name option - discarded",
		"suspect value in root_path option - discarded",
		"suspect value in host_name option - discarded",
		"suspect value in domain_name option - discarded",
	}
	if !slices.Equal(warns, wantWarns) {
		t.Errorf("warnings %q, want %q", warns, wantWarns)
	}

	// A captive portal that is no https URI (RFC 8910) is suspect too.
	warns = nil
	env = Env(Call{Reason: "BOUND", New: lease(opt(dhcp4.OptCaptivePortal, "https://x.test/`reboot`"))}, dhcp4.NewCatalogue(),
		func(m string) { warns = append(warns, m) })
	if got := newVars(env); !slices.Equal(got, []string{"expiry=1700000000", "ip_address=192.0.2.10"}) {
		t.Errorf("hostile portal: new_ variables %q", got)
	}
	if !slices.Equal(warns, []string{"suspect value in default_url option - discarded"}) {
		t.Errorf("hostile portal: warnings %q", warns)
	}
}

func TestEnvNetworkAndBroadcast(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []dhcp4.Option
		want []string
	}{
		{"no mask: neither", nil, nil},
		{"mask: both computed", []dhcp4.Option{opt(1, "\xff\xff\xff\x00")},
			[]string{"broadcast_address=192.0.2.255", "network_number=192.0.2.0", "subnet_mask=255.255.255.0"}},
		{"option 28 supplies the broadcast", []dhcp4.Option{opt(1, "\xff\xff\x00\x00"), opt(28, "\xc0\x00\x02\x7f")},
			[]string{"broadcast_address=192.0.2.127", "network_number=192.0.0.0", "subnet_mask=255.255.0.0"}},
		{"zero-length option 28 still suppresses the computed one", []dhcp4.Option{opt(1, "\xff\xff\xff\x00"), opt(28, "")},
			[]string{"network_number=192.0.2.0", "subnet_mask=255.255.255.0"}},
		{"short mask: neither", []dhcp4.Option{opt(1, "\xff\xff\xff")}, nil},
		{"host mask", []dhcp4.Option{opt(1, "\xff\xff\xff\xff")},
			[]string{"broadcast_address=192.0.2.10", "network_number=192.0.2.10", "subnet_mask=255.255.255.255"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var warns []string
			env := Env(Call{Reason: "BOUND", New: lease(tc.opts...)}, dhcp4.NewCatalogue(), func(m string) { warns = append(warns, m) })
			var got []string
			for _, v := range newVars(env) {
				if !strings.HasPrefix(v, "ip_address=") && !strings.HasPrefix(v, "expiry=") {
					got = append(got, v)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q (warnings %q)", got, tc.want, warns)
			}
		})
	}
}

func TestEnvOptionsEdgeCases(t *testing.T) {
	l := lease(
		opt(dhcp4.OptRouter, "\x0a\x00\x00\x01\x0a"), // ISC leaves the extra byte out
		opt(dhcp4.OptSubnetMask, "\xff\xff"),         // too short: ISC prints <error>
		opt(dhcp4.OptNTPServers, ""),                 // zero length: no variable
		opt(dhcp4.OptDNS, "\x0a\x00\x00\x02"),
		opt(dhcp4.OptDNS, "\x0a\x00\x00\x03"), // RFC 3396: joined
		opt(224, "\xde\xad"),
	)
	var warns []string
	env := Env(Call{Reason: "RENEW", New: l}, dhcp4.NewCatalogue(), func(m string) { warns = append(warns, m) })
	want := []string{"domain_name_servers=10.0.0.2 10.0.0.3", "expiry=1700000000", "ip_address=192.0.2.10",
		"routers=10.0.0.1", "unknown_224=de:ad"}
	if got := newVars(env); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "subnet_mask") {
		t.Errorf("warnings %q, want one about subnet_mask", warns)
	}
}

func TestEnvShapes(t *testing.T) {
	cat := dhcp4.NewCatalogue()
	alias := &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.5")}
	for _, tc := range []struct {
		name string
		call Call
		want []string
	}{
		{"NBI has only REASON",
			Call{Reason: "NBI", Interface: "eth0", PID: 7, Extra: []string{"A=1", "B=2"}, New: lease()},
			[]string{"B=2", "A=1", "REASON=NBI", Path}},
		{"no requested_ without a lease",
			Call{Reason: "PREINIT", Interface: "eth0", PID: 7, PRL: []uint8{1, 3}, Alias: alias},
			[]string{"alias_expiry=0", "alias_ip_address=192.0.2.5", "dad_wait_time=0", "pid=7", "reason=PREINIT", "interface=eth0", Path}},
		{"medium and dad wait",
			Call{Reason: "MEDIUM", Interface: "eth0", PID: 7, DADWait: 3, Medium: "10baseT"},
			[]string{"dad_wait_time=3", "pid=7", "reason=MEDIUM", "medium=10baseT", "interface=eth0", Path}},
		{"requested_ in PRL order, unknown codes by number",
			Call{Reason: "EXPIRE", Interface: "eth0", PID: 7, PRL: []uint8{121, 1, 224}, Old: &statemachine.Lease{Addr: netip.MustParseAddr("192.0.2.9")}},
			[]string{"requested_unknown_224=1", "requested_subnet_mask=1", "requested_rfc3442_classless_static_routes=1",
				"old_expiry=0", "old_ip_address=192.0.2.9", "dad_wait_time=0", "pid=7", "reason=EXPIRE", "interface=eth0", Path}},
		// ISC start_v6only: requested_* even without a lease, then
		// v6-only-preferred with its dashes (reference §3.2).
		{"V6ONLY without a lease",
			Call{Reason: "V6ONLY", Interface: "eth0", PID: 7, PRL: []uint8{1, 108}, V6OnlyWait: 1800},
			[]string{"v6-only-preferred=1800", "requested_v6_only_preferred=1", "requested_subnet_mask=1",
				"dad_wait_time=0", "pid=7", "reason=V6ONLY", "interface=eth0", Path}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Env(tc.call, cat, nil); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

var envEntry = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=[^\x00\n]*$`)

// FuzzEnv feeds arbitrary option bytes and BOOTP fields: the environment
// must stay valid for execve (no NUL), one line per variable, with names
// a shell can read, and end with PATH.
func FuzzEnv(f *testing.F) {
	f.Add([]byte("\x01\x04\xff\xff\xff\x00\x0c\x08x;reboot"), "boot;file", "srv")
	f.Add([]byte("\x77\x0e\x07example\x04test\x00"), "pxelinux.0", "")
	f.Add([]byte("\xfb\x05A\x00B\nC"), "", "a\x00b")
	// Option 119 in pieces joined by RFC 3396: a name and pointers to it.
	f.Add([]byte("\x77\x0a\x07example\x00\xc0\x00\x77\x08\xc0\x00\xc0\x00\xc0\x00\xc0\x00"), "", "")
	cat := dhcp4.NewCatalogue()
	f.Fuzz(func(t *testing.T, raw []byte, file, sname string) {
		l := lease(splitOptions(raw)...)
		l.Filename, l.ServerName = file, sname
		env := Env(Call{Reason: "BOUND", Interface: "eth0", New: l, Old: l, PRL: []uint8{1, 3, 250}}, cat, nil)
		if env[len(env)-1] != Path {
			t.Fatalf("last entry %q, want PATH", env[len(env)-1])
		}
		for _, kv := range env {
			if !envEntry.MatchString(kv) {
				t.Errorf("bad entry %q", kv)
			}
			// No value over ISC's 32 KiB, whatever the name before it.
			if _, v, _ := strings.Cut(kv, "="); len(v) >= 32<<10 {
				t.Errorf("entry %.40q... has a value of %d bytes", kv, len(v))
			}
		}
	})
}

// splitOptions reads code, length, data triples, ignoring a truncated tail.
func splitOptions(b []byte) []dhcp4.Option {
	var out []dhcp4.Option
	for len(b) >= 2 {
		n := min(int(b[1]), len(b)-2)
		out = append(out, dhcp4.Option{Code: b[0], Data: b[2 : 2+n]})
		b = b[2+n:]
	}
	return out
}
