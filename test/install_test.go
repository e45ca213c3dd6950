//go:build linux

package e2e

import (
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestInstallDeb builds the Debian package with make deb (lintian: no
// errors) and installs it for real, with apt, into a throwaway root (an
// overlay over the machine's /etc, /usr and /var, see installRoot) that
// first gets isc-dhcp-client and ifupdown, an administrator's edited
// dhclient.conf and an exit hook of the administrator's. Then:
//
//   - replace: the package replaces isc-dhcp-client and changes no other
//     package (those that depend on isc-dhcp-client, such as cloud-init,
//     stay: leased provides it); dhclient --version is leased's;
//     dhclient.conf and every hook other packages and the administrator
//     placed in /etc/dhcp/dhclient-{enter,exit}-hooks.d are untouched,
//     without a question from dpkg;
//   - ifup-ifdown: ifup of an interface in a lab namespace runs
//     ifupdown's dhclient line, which binds through leased with its
//     native script (leased puts the address and routes on the link, with
//     ifupdown's metric) and runs the exit hook; ifdown releases
//     (DHCPRELEASE at the server, RELEASE hook, daemon gone);
//   - back-to-isc, when isc-dhcp-client's package can be had: installing
//     it replaces leased in one step with the same files kept, and
//     leased's package then replaces it again;
//   - remove: apt-get remove leased removes the programs and leaves the
//     conffile (and removes only packages that need a DHCP client).
func TestInstallDeb(t *testing.T) {
	t.Parallel()
	installRequire(t, "make:make", "dpkg-buildpackage:dpkg-dev", "dh:debhelper", "lintian:lintian",
		"apt-get:apt", "unshare:util-linux", "nsenter:util-linux")
	installRequirePackages(t, "build-essential")
	hostResolv, _ := os.ReadFile("/etc/resolv.conf")
	deb := installMakeDeb(t)
	r := newInstallRoot(t)
	if r.packageStatus(t, "ifupdown") != "install ok installed" {
		t.Logf("ifupdown is installed in the throwaway root only")
	}
	isc := installPrerequisites(t, r)

	// The administrator's configuration and hook.
	conf, ok := r.read(t, "/etc/dhcp/dhclient.conf")
	if !ok {
		t.Fatal("no /etc/dhcp/dhclient.conf after installing isc-dhcp-client")
	}
	conf += "\n# edited by the administrator\ntimeout 30;\n"
	r.write(t, "/etc/dhcp/dhclient.conf", conf)
	hookLog := filepath.Join(r.runDir, "leased-test-hook.log")
	r.write(t, "/etc/dhcp/dhclient-exit-hooks.d/zz-site", strings.ReplaceAll(installSiteHook, "'LOG'", "/run/leased-test-hook.log"))
	kept := installKeptFiles(t, r)
	profile := r.exists(t, "/etc/apparmor.d/sbin.dhclient")

	t.Run("replace", func(t *testing.T) {
		installReplace(t, r, deb, kept, profile)
	})
	if t.Failed() {
		t.FailNow()
	}
	t.Run("ifup-ifdown", func(t *testing.T) {
		installIfupIfdown(t, r, hookLog)
	})
	t.Run("back-to-isc", func(t *testing.T) {
		if isc == "" {
			t.Skip("NOTE: isc-dhcp-client's package could not be downloaded, so going back is not tried")
		}
		installSwap(t, r, isc, "isc-dhcp-client", "leased")
		if v := r.run(t, installNoNet, 10*time.Second, "dhclient", "--version"); !strings.HasPrefix(v, "isc-dhclient-") {
			t.Errorf("dhclient --version says %q after going back, want ISC's", v)
		}
		installCheckKept(t, r, kept, "after going back to ISC dhclient")
		if r.exists(t, "/etc/apparmor.d/disable/sbin.dhclient") {
			t.Errorf("ISC dhclient's AppArmor profile is still disabled")
		}
		installReplace(t, r, deb, kept, profile)
	})
	t.Run("remove", func(t *testing.T) {
		installRemove(t, r, kept)
	})

	if got, _ := os.ReadFile("/etc/resolv.conf"); string(got) != string(hostResolv) {
		t.Errorf("the machine's /etc/resolv.conf changed:\n%s", got)
	}
}

// installReplace installs leased's package over isc-dhcp-client and
// checks the result.
func installReplace(t *testing.T, r *installRoot, deb string, kept map[string]string, profile bool) {
	t.Helper()
	installSwap(t, r, deb, "leased", "isc-dhcp-client")
	if v := r.run(t, installNoNet, 10*time.Second, "dhclient", "--version"); !strings.HasPrefix(v, "leased-dhclient ") {
		t.Errorf("dhclient --version says %q, want leased's", v)
	}
	if got := r.run(t, installNoNet, 10*time.Second, "readlink", "/sbin/dhclient-script"); strings.TrimSpace(got) != "/usr/lib/leased/dhclient-script" {
		t.Errorf("/sbin/dhclient-script links to %q, want /usr/lib/leased/dhclient-script", got)
	}
	if head, _ := r.read(t, "/usr/lib/leased/dhclient-script"); !strings.Contains(head, "\n# leased: native-mode dhclient-script\n") {
		t.Errorf("/usr/lib/leased/dhclient-script lacks the native-mode marker")
	}
	installCheckKept(t, r, kept, "after installing leased")
	if profile && !r.exists(t, "/etc/apparmor.d/disable/sbin.dhclient") {
		t.Errorf("ISC dhclient's AppArmor profile is not disabled")
	}
}

// installSwap installs the package file deb, named pkg, with apt, which
// must replace the package old (leaving its conffiles) and change no
// other package.
func installSwap(t *testing.T, r *installRoot, deb, pkg, old string) {
	t.Helper()
	before := r.installedPackages(t)
	// apt reads a local package as its unprivileged _apt user, which
	// cannot enter the test's directories.
	out := r.run(t, installNoNet, 3*time.Minute, "apt-get", "-o", "APT::Sandbox::User=root",
		"install", "-y", "-q", "--no-install-recommends", deb)
	for p, want := range map[string]string{pkg: "install ok installed", old: "deinstall ok config-files"} {
		if got := r.packageStatus(t, p); got != want {
			t.Errorf("%s: status %q, want %q\n%s", p, got, want, out)
		}
	}
	added, removed := installDiff(before, r.installedPackages(t))
	if !slices.Equal(added, []string{pkg}) || !slices.Equal(removed, []string{old}) {
		t.Errorf("installing %s added %q and removed %q, want [%s] and [%s]\n%s", pkg, added, removed, pkg, old, out)
	}
}

// installRemove removes leased with apt-get remove.
func installRemove(t *testing.T, r *installRoot, kept map[string]string) {
	t.Helper()
	before := r.installedPackages(t)
	dependents := r.dependents(t, "isc-dhcp-client", "dhcp-client")
	r.run(t, installNoNet, 3*time.Minute, "apt-get", "remove", "-y", "-q", "leased")
	if got := r.packageStatus(t, "leased"); got != "deinstall ok config-files" {
		t.Errorf("leased: status %q after apt-get remove, want deinstall ok config-files", got)
	}
	// Packages that need a DHCP client go with its only provider.
	_, removed := installDiff(before, r.installedPackages(t))
	var also []string
	for _, p := range removed {
		if p != "leased" {
			also = append(also, p)
			if !dependents[p] {
				t.Errorf("apt-get remove leased also removed %s, which does not depend on a DHCP client", p)
			}
		}
	}
	if len(also) > 0 {
		t.Logf("apt-get remove leased also removed %s: they depend on isc-dhcp-client or dhcp-client, which leased provided", also)
	}
	for _, p := range []string{"/sbin/dhclient", "/sbin/dhclientctl", "/sbin/dhclient-script", "/usr/lib/leased/dhclient-script"} {
		if r.exists(t, p) {
			t.Errorf("%s is still there after apt-get remove leased", p)
		}
	}
	installCheckKept(t, r, kept, "after removing leased")
	if r.exists(t, "/etc/apparmor.d/disable/sbin.dhclient") {
		t.Errorf("the link that disabled ISC dhclient's AppArmor profile is still there")
	}
}

// installDiff returns the packages in after and not in before, and the
// other way round, sorted.
func installDiff(before, after map[string]bool) (added, removed []string) {
	for p := range after {
		if !before[p] {
			added = append(added, p)
		}
	}
	for p := range before {
		if !after[p] {
			removed = append(removed, p)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

// installPrerequisites installs isc-dhcp-client and ifupdown in the root:
// apt downloads what the machine lacks in the host's network (refreshing
// the root's package lists if it must), then installs without network.
// It returns the path of isc-dhcp-client's package, downloaded for going
// back to ISC dhclient later, or "" when it could not be had. (It is kept
// out of apt's cache, which some images empty after each dpkg run.)
func installPrerequisites(t *testing.T, r *installRoot) string {
	t.Helper()
	pkgs := []string{"isc-dhcp-client", "ifupdown"}
	download := append([]string{"apt-get", "install", "--download-only", "-y", "-q", "--no-install-recommends"}, pkgs...)
	if _, err := r.try(t, installHostNet, 3*time.Minute, "", download...); err != nil {
		r.try(t, installHostNet, 5*time.Minute, "", "apt-get", "update", "-q")
		if out, err := r.try(t, installHostNet, 3*time.Minute, "", download...); err != nil {
			lab.Unavailable(t, "apt-get cannot download %s into the throwaway root (it needs the Debian mirror): %v\n%s",
				strings.Join(pkgs, " "), err, debTail(out, 20))
		}
	}
	r.run(t, installNoNet, 3*time.Minute, append([]string{"apt-get", "install", "-y", "-q", "--no-install-recommends"}, pkgs...)...)
	for _, p := range pkgs {
		if got := r.packageStatus(t, p); got != "install ok installed" {
			t.Fatalf("%s: status %q in the throwaway root, want install ok installed", p, got)
		}
	}
	dir := t.TempDir()
	r.try(t, installHostNet, 3*time.Minute, "", "sh", "-c", `cd "$1" && apt-get download -q isc-dhcp-client`, "sh", dir)
	debs, _ := filepath.Glob(filepath.Join(dir, "isc-dhcp-client_*.deb"))
	if len(debs) != 1 {
		return ""
	}
	return debs[0]
}

// installKeptFiles returns what must survive leased's installation and
// removal: dhclient.conf and the files in the hook directories, except
// isc-dhcp-client's own hooks that are not conffiles (its debug links),
// which go with it.
func installKeptFiles(t *testing.T, r *installRoot) map[string]string {
	t.Helper()
	iscConf := r.run(t, installNoNet, 30*time.Second, "dpkg-query", "-W", "-f", "${Conffiles}\n", "isc-dhcp-client")
	list := r.run(t, installNoNet, 10*time.Second, "sh", "-c", "ls -d /etc/dhcp/dhclient-enter-hooks.d/* /etc/dhcp/dhclient-exit-hooks.d/* 2>/dev/null || true")
	kept := map[string]string{}
	for _, p := range append([]string{"/etc/dhcp/dhclient.conf"}, strings.Fields(list)...) {
		owner, _ := r.try(t, installNoNet, 30*time.Second, "", "dpkg-query", "-S", p)
		if strings.HasPrefix(owner, "isc-dhcp-client: ") && !strings.Contains(iscConf, " "+p+" ") {
			continue
		}
		content, _ := r.read(t, p)
		kept[p] = content
	}
	t.Logf("files that must be kept: %s", strings.Join(slices.Sorted(maps.Keys(kept)), ", "))
	return kept
}

// installCheckKept checks that the files are still there, unchanged.
func installCheckKept(t *testing.T, r *installRoot, kept map[string]string, when string) {
	t.Helper()
	for p, want := range kept {
		got, ok := r.read(t, p)
		switch {
		case !ok:
			t.Errorf("%s: %s is gone", when, p)
		case got != want:
			t.Errorf("%s: %s changed:\n%s\nwas:\n%s", when, p, got, want)
		}
	}
}

// installIfupIfdown brings a lab interface up and down with ifupdown in
// the root and checks leased's work.
func installIfupIfdown(t *testing.T, r *installRoot, hookLog string) {
	t.Helper()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, l.DefaultOpts())
	ifname := l.ClientIf()
	r.write(t, "/etc/network/interfaces", fmt.Sprintf("# leased test\niface %s inet dhcp\n\tmetric 100\n", ifname))

	// ifup -v shows ifupdown's dhclient line. (Who configures the
	// interface is a notice for syslog: ifupdown gives dhclient an
	// environment of its own, so LEASED_LOG cannot reach it; the hook line
	// below shows the native-mode script ran.)
	out := r.run(t, l.ClientNS(), 2*time.Minute, "ifup", "-v", ifname)
	for _, want := range []string{
		fmt.Sprintf("-pf /run/dhclient.%s.pid -lf /var/lib/dhcp/dhclient.%[1]s.leases", ifname),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ifup's output lacks %q:\n%s", want, out)
		}
	}
	bound := strings.Fields(installWaitHook(t, hookLog, "BOUND "+ifname+" ", 30*time.Second))
	if len(bound) != 4 {
		t.Fatalf("hook line %q, want reason, interface, address and script", bound)
	}
	addr, err := netip.ParseAddr(bound[2])
	if err != nil || !l.Subnet().Contains(addr) {
		t.Fatalf("the hook got address %q, want one of %v", bound[2], l.Subnet())
	}
	if bound[3] != "/usr/lib/leased/dhclient-script" {
		t.Errorf("the script that ran the hook is %s, want leased's /usr/lib/leased/dhclient-script", bound[3])
	}
	// leased's script configures nothing: the address and routes on the
	// link are leased's own (native mode), the routes with ifupdown's
	// metric.
	if !l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("%v is not on %s after ifup", addr, ifname)
	}
	for _, dst := range []string{"192.0.2.0/24", "0.0.0.0/0"} {
		if got := hookRouteMetrics(t, l, netip.MustParsePrefix(dst), l.ServerAddr()); !slices.Equal(got, []int{100}) {
			t.Errorf("routes to %s have metrics %v, want [100] (ifupdown's metric 100)", dst, got)
		}
	}
	if resolv, _ := r.read(t, "/etc/resolv.conf"); !strings.Contains(resolv, "nameserver "+l.ServerAddr().String()+"\n") {
		t.Errorf("the root's resolv.conf has not the lease's DNS server:\n%s", resolv)
	}
	pid := hookPidFile(t, filepath.Join(r.runDir, "dhclient."+ifname+".pid"))
	if !lab.Alive(pid) {
		t.Fatalf("the daemon (pid %d) is not running after ifup", pid)
	}

	r.run(t, l.ClientNS(), time.Minute, "ifdown", "-v", ifname)
	srv.WaitLog(t, "DHCPRELEASE", 10*time.Second)
	installWaitHook(t, hookLog, "RELEASE "+ifname+" ", 10*time.Second)
	lab.WaitGone(t, pid, 10*time.Second)
	if l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("%v is still on %s after ifdown", addr, ifname)
	}
}

// TestMakeInstall installs with make install into a temp DESTDIR (the
// default PREFIX /usr/local, and DHCLIENT_SCRIPT=/sbin/dhclient-script),
// checks the tree against the documented layout, then runs the installed
// dhclient in a lab namespace: it finds and runs the installed
// dhclient-script (not the one in contrib/), configures the interface
// itself (native mode) and binds. make uninstall then leaves only
// dhclient.conf.
func TestMakeInstall(t *testing.T) {
	t.Parallel()
	installRequire(t, "make:make")
	dest := t.TempDir()
	vars := []string{"DESTDIR=" + dest, "DHCLIENT_SCRIPT=/sbin/dhclient-script"}
	installMake(t, 5*time.Minute, append([]string{"install"}, vars...)...)

	want := []string{
		"etc/dhcp/dhclient.conf 644",
		"sbin/dhclient-script -> /usr/local/lib/leased/dhclient-script",
		"usr/local/lib/leased/dhclient-script 755",
		"usr/local/lib/leased/dhclient-shutdown 755",
		"usr/local/lib/leased/hooks/ntp 644",
		"usr/local/lib/leased/rc.resume 755",
		"usr/local/lib/leased/rc.suspend 755",
		"usr/local/lib/systemd/system-sleep/leased 755",
		"usr/local/lib/systemd/system/dhclient@.service 644",
		"usr/local/sbin/dhclient 755",
		"usr/local/sbin/dhclientctl 755",
		"usr/local/share/doc/leased/examples/dhclient.conf.example 644",
		"usr/local/share/doc/leased/examples/leased.yaml.example 644",
		"usr/local/share/man/man5/dhclient.conf.5 644",
		"usr/local/share/man/man5/dhclient.leases.5 644",
		"usr/local/share/man/man8/dhclient-script.8 644",
		"usr/local/share/man/man8/dhclient.8 644",
		"usr/local/share/man/man8/dhclientctl.8 644",
	}
	if got := installTree(t, dest); !slices.Equal(got, want) {
		t.Errorf("make install laid out\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, d := range []string{"etc/dhcp/dhclient-enter-hooks.d", "etc/dhcp/dhclient-exit-hooks.d"} {
		if st, err := os.Stat(filepath.Join(dest, d)); err != nil || !st.IsDir() {
			t.Errorf("no hook directory %s: %v", d, err)
		}
	}
	unit := lab.ReadFile(t, filepath.Join(dest, "usr/local/lib/systemd/system/dhclient@.service"))
	for _, w := range []string{"\nExecStart=/usr/local/sbin/dhclient -d ", "\nExecStop=/usr/local/sbin/dhclient -x "} {
		if !strings.Contains(unit, w) {
			t.Errorf("the installed unit lacks %q", strings.TrimSpace(w))
		}
	}

	installRunInstalled(t, dest)

	hook := filepath.Join(dest, "etc/dhcp/dhclient-exit-hooks.d/zz-test")
	if err := os.Remove(hook); err != nil {
		t.Fatal(err)
	}
	installMake(t, time.Minute, append([]string{"uninstall"}, vars...)...)
	if got, want := installTree(t, dest), []string{"etc/dhcp/dhclient.conf 644"}; !slices.Equal(got, want) {
		t.Errorf("make uninstall left\n%s\nwant only the configuration, %s", strings.Join(got, "\n"), want[0])
	}
}

// installRunInstalled runs DEST's dhclient in a lab until it is bound,
// then releases. The script's paths point into the test's directories,
// so nothing of the machine's is touched.
func installRunInstalled(t *testing.T, dest string) {
	t.Helper()
	l := lab.New(t)
	l.StartDnsmasq(t, lab.ServerOpts{Routers: []netip.Addr{l.ServerAddr()}})
	ifname := l.ClientIf()
	work := t.TempDir()
	hookLog := filepath.Join(work, "hook.log")
	lab.WriteFile(t, filepath.Join(dest, "etc/dhcp/dhclient-exit-hooks.d/zz-test"), strings.ReplaceAll(installSiteHook, "'LOG'", debQuote(hookLog)), 0o644)
	bin := filepath.Join(dest, "usr/local/sbin/dhclient")
	args := []string{
		"-cf", filepath.Join(dest, "etc/dhcp/dhclient.conf"),
		"-lf", filepath.Join(work, "dhclient.leases"), "-pf", filepath.Join(work, "dhclient.pid"),
		"-e", "LEASED_ETC_DHCP=" + filepath.Join(dest, "etc/dhcp"),
		"-e", "LEASED_RESOLV_CONF=" + filepath.Join(work, "resolv.conf"),
		"-e", "LEASED_RESOLVCONF=", "-e", "LEASED_RESOLVECTL=",
		"-e", "LEASED_HOSTNAME_CMD=", // the UTS namespace is the machine's
	}
	p := lab.Start(t, l.ClientNS(), filepath.Join(work, "dhclient.log"), append(append([]string{bin, "-d", "-v"}, args...), ifname)...)
	bound := strings.Fields(installWaitHook(t, hookLog, "BOUND "+ifname+" ", 30*time.Second))
	script := filepath.Join(dest, "usr/local/lib/leased/dhclient-script")
	if len(bound) != 4 || bound[3] != script {
		t.Errorf("hook call %q, want one from %s", bound, script)
	}
	p.WaitLog(t, "leased configures the interface", 5*time.Second)
	if len(bound) >= 3 {
		if a, err := netip.ParseAddr(bound[2]); err != nil || !l.HasAddr(t, l.ClientIf(), a) {
			t.Errorf("the lease's address %q is not on %s", bound[2], ifname)
		}
	}
	lab.Run(t, l.ClientNS(), append(append([]string{bin, "-r", "-v"}, args...), ifname)...)
	lab.WaitGone(t, p.Pid(), 10*time.Second)
}

// installTree lists the files and links under dir, relative, sorted:
// "path mode" for files, "path -> target" for links.
func installTree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out = append(out, rel+" -> "+target)
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %o", rel, info.Mode().Perm()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
