//go:build unix

package hooks

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestScriptRunsHooksByRunPartsRules(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			log := s.path("order")
			rec := func(tag string) string {
				return `echo "` + tag + ` $reason ${exit_status-unset}" >> "` + log + `"` + "\n"
			}
			s.write("etc/dhclient-enter-hooks", rec("enter"))
			s.write("etc/dhclient-enter-hooks.d/20-b", rec("enter.d/20-b"))
			// Sourced, so it can change what the script does next.
			s.write("etc/dhclient-enter-hooks.d/10-a", rec("enter.d/10-a")+"new_domain_name_servers=10.9.9.9\nreturn 3\n")
			s.write("etc/dhclient-enter-hooks.d/bad.name", rec("bad.name"))
			s.write("etc/dhclient-enter-hooks.d/backup~", rec("backup~"))
			if err := os.Mkdir(s.path("etc/dhclient-enter-hooks.d/dir"), 0o755); err != nil {
				t.Fatal(err)
			}
			s.write("etc/dhclient-exit-hooks", rec("exit"))
			s.write("etc/dhclient-exit-hooks.d/x_1", rec("exit.d/x_1"))
			// Debian's classless-routes hook would add leased's option 121
			// routes a second time.
			s.write("etc/dhclient-exit-hooks.d/rfc3442-classless-routes", rec("rfc3442"))
			out, code := s.run(dhclientScript, map[string]string{"reason": "BOUND", "new_domain_name_servers": "10.0.0.1"})
			if code != 0 {
				t.Fatalf("exit %d: %s", code, out)
			}
			want := "enter BOUND 0\nenter.d/10-a BOUND 0\nenter.d/20-b BOUND 0\nexit BOUND 0\nexit.d/x_1 BOUND 0\n"
			if got := s.read("order"); got != want {
				t.Errorf("hooks ran:\n%s\nwant:\n%s", got, want)
			}
			if !strings.Contains(out, "10-a returned non-zero exit status 3") {
				t.Errorf("output lacks the hook status: %q", out)
			}
			if got := s.read("resolv.conf"); !strings.Contains(got, "nameserver 10.9.9.9\n") || strings.Contains(got, "10.0.0.1") {
				t.Errorf("enter hook's change not used:\n%s", got)
			}
		})
	}
}

func TestScriptHookExitDecides(t *testing.T) {
	for _, tc := range []struct {
		dir, body string
		code      int
		resolv    bool // resolv.conf written
	}{
		{"etc/dhclient-enter-hooks.d/decline", "exit 1", 1, false},
		{"etc/dhclient-exit-hooks.d/decline", "exit 2", 2, true},
		{"etc/dhclient-enter-hooks.d/redefine", "make_resolv_conf() { :; }", 0, false},
	} {
		for _, sh := range shells(t) {
			t.Run(tc.dir+"/"+filepath.Base(sh), func(t *testing.T) {
				s := newSandbox(t, sh)
				s.write(tc.dir, tc.body+"\n")
				out, code := s.run(dhclientScript, bound)
				if code != tc.code {
					t.Errorf("exit %d, want %d: %s", code, tc.code, out)
				}
				if got := s.read("resolv.conf") != "<absent>"; got != tc.resolv {
					t.Errorf("resolv.conf written %v, want %v", got, tc.resolv)
				}
			})
		}
	}
}

func TestScriptHostname(t *testing.T) {
	for _, tc := range []struct {
		name, current string
		vars          map[string]string
		want          string
	}{
		{"localhost is replaced", "localhost", bound, "client-one"},
		{"(none) is replaced", "(none)", bound, "client-one"},
		{"empty is replaced", "", bound, "client-one"},
		{"the old lease's name is replaced", "was-dhcp", with(bound, "reason", "RENEW", "old_host_name", "was-dhcp"), "client-one"},
		{"an administrator's name stays", "mybox", bound, "mybox"},
		{"TIMEOUT leaves it", "localhost", with(bound, "reason", "TIMEOUT"), "localhost"},
		{"no host-name option", "localhost", map[string]string{"reason": "BOUND"}, "localhost"},
		{"hostile value is one argument", "localhost", with(bound, "new_host_name", "x;touch pwned"), "x;touch pwned"},
	} {
		for _, sh := range shells(t) {
			t.Run(tc.name+"/"+filepath.Base(sh), func(t *testing.T) {
				s := newSandbox(t, sh)
				s.write("hostname.cur", tc.current+"\n")
				if out, code := s.run(dhclientScript, tc.vars); code != 0 {
					t.Fatalf("exit %d: %s", code, out)
				}
				if got := strings.TrimSuffix(s.read("hostname.cur"), "\n"); got != tc.want {
					t.Errorf("hostname %q, want %q", got, tc.want)
				}
				if s.read("pwned") != "<absent>" {
					t.Error("a value ran as a command")
				}
			})
		}
	}
}

// TestScriptRunsDirectlyWithFreshEnvironment runs the script as the
// daemon does: through Runner, by its shebang, with only Env's variables.
func TestScriptRunsDirectlyWithFreshEnvironment(t *testing.T) {
	s := newSandbox(t, "/bin/sh")
	abs, err := filepath.Abs(dhclientScript)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, k := range slices.Sorted(maps.Keys(s.env)) {
		if strings.HasPrefix(k, "LEASED_") {
			extra = append(extra, k+"="+s.env[k])
		}
	}
	env := []string{"new_domain_name_servers=10.1.2.3", "reason=BOUND", "interface=eth0"}
	env = append(append(env, extra...), Path)
	res := (&Runner{}).Run(t.Context(), abs, env)
	if res.Err != nil || res.ExitCode != 0 {
		t.Fatalf("got %+v (output %s)", res, res.Output)
	}
	if got := s.read("resolv.conf"); got != marker+"nameserver 10.1.2.3\n" {
		t.Errorf("resolv.conf %q", got)
	}
}
