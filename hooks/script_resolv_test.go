//go:build unix

package hooks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestScriptResolvConfLifecycle(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			orig := "nameserver 192.0.2.53\noptions edns0\n"
			s.write("resolv.conf", orig)
			if out, code := s.run(dhclientScript, bound); code != 0 {
				t.Fatalf("BOUND exit %d: %s", code, out)
			}
			want := marker + "domain superseded.test\n" +
				"search superseded.test example.test. corp.example.test.\n" +
				"nameserver 127.0.0.53\nnameserver 10.77.0.1\nnameserver 10.77.0.2\n"
			if got := s.read("resolv.conf"); got != want {
				t.Errorf("resolv.conf after BOUND:\n%s\nwant:\n%s", got, want)
			}
			if got := s.read("resolv.conf.leased-saved"); got != orig {
				t.Errorf("saved copy %q, want the original %q", got, orig)
			}
			// A renewal with the same values and a second BOUND keep the
			// original saved copy.
			s.run(dhclientScript, with(bound, "reason", "RENEW"))
			if got := s.read("resolv.conf.leased-saved"); got != orig {
				t.Errorf("saved copy after RENEW %q, want the original", got)
			}
			if out, code := s.run(dhclientScript, map[string]string{"reason": "RELEASE"}); code != 0 {
				t.Fatalf("RELEASE exit %d: %s", code, out)
			}
			if got := s.read("resolv.conf"); got != orig {
				t.Errorf("resolv.conf after RELEASE %q, want the original %q", got, orig)
			}
			if got := s.read("resolv.conf.leased-saved"); got != "<absent>" {
				t.Errorf("saved copy left behind: %q", got)
			}
			if entries, _ := filepath.Glob(s.path("resolv.conf.leased-new.*")); len(entries) != 0 {
				t.Errorf("temp files left: %v", entries)
			}
		})
	}
}

func TestScriptResolvConfRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no DNS options: untouched",
			map[string]string{"reason": "BOUND", "new_ip_address": "192.0.2.9"}, "nameserver 192.0.2.53\n"},
		{"domain already in the search list",
			map[string]string{"reason": "REBOOT", "new_domain_name": "a.test", "new_domain_search": "b.test. a.test."},
			marker + "domain a.test\nsearch b.test. a.test.\nnameserver 192.0.2.53\n"},
		{"domain list: first word is the domain",
			map[string]string{"reason": "TIMEOUT", "new_domain_name": "a.test b.test", "new_domain_name_servers": "10.0.0.1"},
			marker + "domain a.test\nsearch a.test b.test\nnameserver 10.0.0.1\n"},
		{"deconfigure without a lease of ours: untouched",
			map[string]string{"reason": "EXPIRE"}, "nameserver 192.0.2.53\n"},
		{"FAIL without a lease of ours: untouched",
			map[string]string{"reason": "FAIL"}, "nameserver 192.0.2.53\n"},
		{"PREINIT: untouched",
			with(bound, "reason", "PREINIT"), "nameserver 192.0.2.53\n"},
		{"hostile values are data, never code",
			map[string]string{"reason": "BOUND", "new_domain_name": "$(touch pwned1)", "new_domain_name_servers": "`touch pwned2`;touch pwned3"},
			marker + "domain $(touch\nsearch $(touch pwned1)\nnameserver `touch\nnameserver pwned2`;touch\nnameserver pwned3\n"},
	} {
		for _, sh := range shells(t) {
			t.Run(tc.name+"/"+filepath.Base(sh), func(t *testing.T) {
				s := newSandbox(t, sh)
				s.write("resolv.conf", "nameserver 192.0.2.53\n")
				if out, code := s.run(dhclientScript, tc.vars); code != 0 {
					t.Fatalf("exit %d: %s", code, out)
				}
				if got := s.read("resolv.conf"); got != tc.want {
					t.Errorf("resolv.conf:\n%s\nwant:\n%s", got, tc.want)
				}
				for _, f := range []string{"pwned1", "pwned2", "pwned3"} {
					if s.read(f) != "<absent>" {
						t.Errorf("a value ran as a command: %s exists", f)
					}
				}
			})
		}
	}
}

func TestScriptUsesResolvconfThenResolvectl(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			calls := s.recordingResolvconf()
			s.exe("resolvectl", `echo "resolvectl $*" >> "`+calls+`"`)
			if err := os.Mkdir(s.path("resolve"), 0o755); err != nil {
				t.Fatal(err)
			}
			s.env["LEASED_RESOLVECTL"] = s.path("resolvectl")
			s.env["LEASED_RESOLVED_DIR"] = s.path("resolve")

			s.env["LEASED_RESOLVCONF"] = s.path("resolvconf")
			s.run(dhclientScript, bound)
			s.run(dhclientScript, map[string]string{"reason": "STOP"})
			want := "resolvconf -a eth0.dhclient\ndomain superseded.test\n" +
				"search superseded.test example.test. corp.example.test.\n" +
				"nameserver 127.0.0.53\nnameserver 10.77.0.1\nnameserver 10.77.0.2\n" +
				"resolvconf -d eth0.dhclient\n"
			if got := s.read("calls"); got != want {
				t.Errorf("with resolvconf:\n%s\nwant:\n%s", got, want)
			}

			s.write("calls", "")
			s.env["LEASED_RESOLVCONF"] = s.path("not-installed")
			s.run(dhclientScript, bound)
			s.run(dhclientScript, map[string]string{"reason": "EXPIRE"})
			want = "resolvectl dns eth0 127.0.0.53 10.77.0.1 10.77.0.2\n" +
				"resolvectl domain eth0 example.test corp.example.test superseded.test\n" +
				"resolvectl revert eth0\n"
			if got := s.read("calls"); got != want {
				t.Errorf("with resolvectl:\n%s\nwant:\n%s", got, want)
			}
			if got := s.read("resolv.conf"); got != "<absent>" {
				t.Errorf("resolv.conf written despite a resolver service: %q", got)
			}
		})
	}
}

// leased's own reasons under the resolver packages' enter hooks, which
// know only ISC's: the resolvconf package's makes make_resolv_conf a
// no-op for every other reason, so INFORM publishes through resolvconf
// itself; openresolv's publishes under the interface's own name and
// withdraws it only on ISC's reasons, so V6ONLY withdraws that name too.
func TestScriptResolvconfOnLeasedReasons(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			calls := s.recordingResolvconf()
			s.env["LEASED_RESOLVCONF"] = s.path("resolvconf")
			// The resolvconf package's hook, in short.
			s.write("etc/dhclient-enter-hooks.d/resolvconf", `make_resolv_conf() { : ; }
case "$reason" in BOUND|RENEW|REBIND|REBOOT|TIMEOUT) make_resolv_conf() { echo hook >> "`+calls+`"; } ;; esac
`)
			s.run(dhclientScript, map[string]string{"reason": "INFORM", "new_domain_name_servers": "10.0.0.1"})
			s.run(dhclientScript, map[string]string{"reason": "V6ONLY"})
			want := "resolvconf -a eth0.dhclient\nnameserver 10.0.0.1\n" +
				"resolvconf -d eth0.dhclient\nresolvconf -d eth0\n"
			if got := s.read("calls"); got != want {
				t.Errorf("INFORM then V6ONLY:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestScriptResolvConfOwnership(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			// No file before: the lease end removes ours.
			s.run(dhclientScript, bound)
			s.run(dhclientScript, map[string]string{"reason": "STOP"})
			if got := s.read("resolv.conf"); got != "<absent>" {
				t.Errorf("after STOP with no original: %q, want absent", got)
			}
			// Another interface's lease end leaves our file alone.
			s.write("resolv.conf", "nameserver 192.0.2.53\n")
			s.run(dhclientScript, bound)
			s.run(dhclientScript, map[string]string{"reason": "RELEASE", "interface": "eth1"})
			if got := s.read("resolv.conf"); !strings.HasPrefix(got, marker) {
				t.Errorf("eth1's RELEASE touched eth0's file: %q", got)
			}
			// A file someone else wrote since is never replaced.
			s.write("resolv.conf", "nameserver 198.51.100.1\n")
			s.run(dhclientScript, map[string]string{"reason": "RELEASE"})
			if got := s.read("resolv.conf"); got != "nameserver 198.51.100.1\n" {
				t.Errorf("foreign file changed: %q", got)
			}
		})
	}
}

func TestScriptFollowsResolvConfSymlink(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			s.write("run/resolv.conf", "nameserver 192.0.2.53\n")
			if err := os.Symlink(s.path("run/resolv.conf"), s.path("resolv.conf")); err != nil {
				t.Fatal(err)
			}
			s.run(dhclientScript, bound)
			if fi, err := os.Lstat(s.path("resolv.conf")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("symlink replaced: %v %v", fi, err)
			}
			if got := s.read("run/resolv.conf"); !strings.Contains(got, "nameserver 10.77.0.2\n") {
				t.Errorf("target not written: %q", got)
			}
			s.run(dhclientScript, map[string]string{"reason": "RELEASE"})
			if got := s.read("run/resolv.conf"); got != "nameserver 192.0.2.53\n" {
				t.Errorf("target not restored: %q", got)
			}
		})
	}
}

// A resolv.conf that is a mount point (containers, "ip netns exec") cannot
// be renamed over: the script writes it through, and leaves no temp file.
func TestScriptResolvConfBindMounted(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for a private mount namespace")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1)")
	}
	s := newSandbox(t, "/bin/sh")
	orig := "nameserver 192.0.2.53\n"
	s.write("resolv.conf", orig)
	s.write("mounted", orig)
	// resolv.conf becomes a bind mount of "mounted", in the script's own
	// mount namespace only.
	s.wrap = []string{unshare, "-m", "--propagation", "private", "/bin/sh", "-c",
		`mount --bind "$0" "$1" && shift && exec "$@"`, s.path("mounted"), s.path("resolv.conf")}
	if out, code := s.run(dhclientScript, bound); code != 0 {
		t.Fatalf("BOUND exit %d: %s", code, out)
	}
	if got := s.read("mounted"); !strings.Contains(got, "nameserver 10.77.0.1\n") {
		t.Errorf("the mounted file was not written through:\n%s", got)
	}
	if entries, _ := filepath.Glob(s.path("resolv.conf.leased-new.*")); len(entries) != 0 {
		t.Errorf("temp files left: %v", entries)
	}
	if out, code := s.run(dhclientScript, map[string]string{"reason": "RELEASE"}); code != 0 {
		t.Fatalf("RELEASE exit %d: %s", code, out)
	}
	if got := s.read("mounted"); got != orig {
		t.Errorf("after RELEASE the mounted file holds %q, want the original %q", got, orig)
	}
}

// The file to put back is the one that was there before the script
// wrote, never a file the script wrote for another interface (two
// interfaces binding at once), and a file someone put there since the
// last save is the newer one to put back.
func TestScriptSavesOnlyOthersFiles(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			s.write("resolv.conf", "nameserver 192.0.2.53\n")
			s.run(dhclientScript, with(bound, "interface", "eth1"))
			s.write("resolv.conf.leased-saved", "stale\n") // as a crash leaves it
			s.run(dhclientScript, bound)                   // eth0 finds eth1's file
			if got := s.read("resolv.conf.leased-saved"); got != "stale\n" {
				t.Errorf("eth1's file saved as the original: %q", got)
			}
			s.write("resolv.conf", "nameserver 198.51.100.1\n") // the administrator's
			s.run(dhclientScript, with(bound, "new_domain_name_servers", "10.77.0.9"))
			s.run(dhclientScript, map[string]string{"reason": "RELEASE"})
			if got := s.read("resolv.conf"); got != "nameserver 198.51.100.1\n" {
				t.Errorf("after the release: %q, want the administrator's file back", got)
			}
		})
	}
}

// A resolv.conf linking into a directory not there yet (a resolver not
// started) is left alone, as Debian's script cannot write it either.
func TestScriptLeavesDanglingResolvConfLink(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			if err := os.Symlink(s.path("run/resolve/stub-resolv.conf"), s.path("resolv.conf")); err != nil {
				t.Fatal(err)
			}
			s.run(dhclientScript, bound)
			s.run(dhclientScript, map[string]string{"reason": "STOP"})
			if fi, err := os.Lstat(s.path("resolv.conf")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link was replaced or removed: %v %v", fi, err)
			}
		})
	}
}

// systemd-resolved's runtime directory stays after it is stopped: when
// resolvectl fails, the script writes resolv.conf, and the lease's end
// puts it back.
func TestScriptFallsBackWhenResolvectlFails(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(filepath.Base(sh), func(t *testing.T) {
			s := newSandbox(t, sh)
			s.write("resolv.conf", "nameserver 192.0.2.53\n")
			s.exe("resolvectl", `echo "Unit dbus-org.freedesktop.resolve1.service not found." >&2; exit 1`)
			if err := os.Mkdir(s.path("resolve"), 0o755); err != nil {
				t.Fatal(err)
			}
			s.env["LEASED_RESOLVECTL"] = s.path("resolvectl")
			s.env["LEASED_RESOLVED_DIR"] = s.path("resolve")
			s.run(dhclientScript, bound)
			if got := s.read("resolv.conf"); !strings.HasPrefix(got, marker) {
				t.Errorf("resolv.conf with resolved stopped: %q, want the lease's", got)
			}
			s.run(dhclientScript, map[string]string{"reason": "RELEASE"})
			if got := s.read("resolv.conf"); got != "nameserver 192.0.2.53\n" {
				t.Errorf("after the release: %q, want the original back", got)
			}
		})
	}
}

// recordingResolvconf puts a resolvconf on the sandbox's PATH that
// appends its arguments and standard input to a file, and returns the
// file's path.
func (s *sandbox) recordingResolvconf() string {
	calls := s.path("calls")
	s.exe("resolvconf", `echo "resolvconf $*" >> "`+calls+`"; cat >> "`+calls+`"`)
	return calls
}
