//go:build linux

package e2e

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestGoldenISC replays the scenarios of reference/isc-golden (copied to
// testdata/golden, see its README) with the dhclient built from this
// checkout: the same server configurations (dnsmasq 2.90 and ISC dhcpd
// 4.4.3, on the golden server address), dhclient.conf files, flags,
// interface names, MAC addresses and dump script, run from the same
// folders. It compares, after normalising only what varies from run to
// run (golden_compare_test.go) and the differences leased has on purpose
// (goldenAccepted):
//
//   - the sequence of script calls and each environment, the current
//     lease block of the lease file, exit codes and whether a daemon
//     stays or ends: a difference FAILS the test;
//   - the -v/-d output and the client's packets: differences are
//     REPORTED (t.Log), line by line.
//
// It ends with a table of equal/golden-total lines per scenario (and how
// many lines only leased produced), shown by go test -v.
//
// LEASED_GOLDEN_DHCLIENT=/sbin/dhclient replays the scenarios with that
// binary instead (ISC dhclient itself, where it is installed): a
// calibration of the harness, which then finds no difference but the
// ISC behaviours goldenAccepted drops from the golden side (the -x
// REQUEST, `Trying medium`, the -r/-x process's own lines). LEASED_GOLDEN_KEEP=DIR keeps every
// scenario's files (configurations, lease files, dumps, outputs, the
// captured packets with their times) in DIR/<scenario>.
//
//	go test ./test/ -run TestGoldenISC -v -count=1
func TestGoldenISC(t *testing.T) {
	lab.Require(t)
	t.Parallel()
	bin, isc := dhclientBin, false
	if b := os.Getenv("LEASED_GOLDEN_DHCLIENT"); b != "" {
		bin, isc = b, true
		t.Logf("calibration: replaying with %s", bin)
	}
	// The scenarios run at the same time, each in its own lab. Most of
	// their time is waiting for the client's timers (the longest about a
	// minute), so they are started from goroutines rather than with
	// t.Parallel: together they hold one slot of -parallel instead of
	// queueing for the default two of a small machine.
	var results []*goldenResult
	t.Run("scenario", func(t *testing.T) {
		var wg sync.WaitGroup
		for _, sc := range goldenScenarios {
			res := &goldenResult{name: sc.name}
			results = append(results, res)
			wg.Go(func() {
				t.Run(sc.name, func(t *testing.T) {
					res.ran = true
					defer func() { res.failed, res.skipped = t.Failed(), t.Skipped() }()
					g := newGoldenRig(t, res, bin, isc, sc.link)
					defer g.keep()
					sc.run(g)
				})
			})
		}
		wg.Wait()
	})
	var b strings.Builder
	row := func(cols ...any) { fmt.Fprintf(&b, "%-38s %-10s %-9s %-11s %-9s %-5s %s\n", cols...) }
	row("scenario", "env", "lease", "log", "packets", "exit", "")
	var sum goldenResult
	for _, r := range results {
		verdict := "ok"
		switch {
		case !r.ran:
			verdict = "not run"
		case r.failed:
			verdict = "FAIL"
		case r.skipped:
			verdict = "skipped"
		}
		row(r.name, r.env, r.lease, r.log, r.pkt, r.exit, verdict)
		for _, p := range []struct{ sum, c *goldenCounts }{{&sum.env, &r.env}, {&sum.lease, &r.lease}, {&sum.log, &r.log}, {&sum.pkt, &r.pkt}, {&sum.exit, &r.exit}} {
			p.sum.eq, p.sum.total, p.sum.extra = p.sum.eq+p.c.eq, p.sum.total+p.c.total, p.sum.extra+p.c.extra
		}
	}
	row("total", sum.env, sum.lease, sum.log, sum.pkt, sum.exit, "")
	b.WriteString("\nenv, lease: lines; log, packets: lines, repeated ones collapsed; exit: exit codes and process outcomes.\n" +
		"Accepted differences (SPEC §13), normalised away:\n")
	for _, a := range goldenAccepted {
		fmt.Fprintf(&b, "  %-16s %s: %s\n", a.id, a.spec, a.how)
	}
	t.Logf("golden replay, equal/golden lines (+N: lines only the replay produced):\n%s", b.String())
}

// goldenDir is the copy of reference/isc-golden.
const goldenDir = "testdata/golden"

// goldenAcceptance is one difference from ISC dhclient that leased has on
// purpose, and what the harness does about it. The hooks act on both
// sides unless said otherwise.
type goldenAcceptance struct {
	id   string
	spec string // SPEC §13 / README "Where leased differs"
	how  string
	// reason maps a script call's reason; false drops the call.
	reason func(r string) (string, bool)
	// goldenLog drops a line of a golden log (file is its name).
	goldenLog func(file, line string) bool
	// replayLog drops what the replay's log (file: the golden log it is
	// compared with) says about the difference.
	replayLog func(file string, lines []string) []string
	// logLine maps a line of either side's log.
	logLine func(line string) string
	// goldenPacket drops a golden packet of a scenario.
	goldenPacket func(scenario string, p goldenPacket) bool
	// blocks picks the lease blocks compared.
	blocks func(blocks [][]string) [][]string
	// replayEnv drops lines of a replay's environment for a call of
	// reason in scenario.
	replayEnv func(scenario, reason, line string) bool
	// replayPacket maps a client packet of the replay.
	replayPacket func(p goldenPacket) goldenPacket
}

// goldenAccepted is the complete list of accepted differences (SPEC §13).
// Nothing else is normalised away but what varies between runs.
var goldenAccepted = []goldenAcceptance{
	{
		id:   "captive-portal",
		spec: "option 114 is requested unless captive-portal off (RFC 8910)",
		how:  "the 114 that ends the request list of the replay's packets is removed",
		replayPacket: func(p goldenPacket) goldenPacket {
			if prl, ok := p.opts[55]; ok {
				p.opts = maps.Clone(p.opts)
				p.opts[55] = strings.TrimSuffix(prl, ",114")
			}
			return p
		},
	},
	{
		id:   "lease-history",
		spec: "the lease file is rewritten atomically instead of appended",
		how:  "only the current (last) lease block and the statements outside blocks are compared; ISC's earlier blocks are its append history",
		blocks: func(b [][]string) [][]string {
			if len(b) == 0 {
				return nil
			}
			return b[len(b)-1:]
		},
	},
	{
		id:   "rebind",
		spec: "REBIND is emitted after T2 (ISC reports an ACK after T2 as RENEW)",
		how:  "a REBIND call is compared as RENEW",
		reason: func(r string) (string, bool) {
			if r == "REBIND" {
				return "RENEW", true
			}
			return r, true
		},
	},
	{
		id:   "x-request",
		spec: "dhclient -x sends no stray DHCPREQUEST",
		how:  "ISC's broadcast DHCPREQUEST after STOP is dropped from scenario 2's golden packets and from logs/2-dhclient-x.log",
		goldenLog: func(file, line string) bool {
			return file == "2-dhclient-x.log" && strings.HasPrefix(line, "DHCPREQUEST for ")
		},
		goldenPacket: func(scenario string, p goldenPacket) bool {
			return scenario == "2-daemon-stop-reboot" && p.at >= 1795371945 && p.at < 1795371946
		},
	},
	{
		id:   "leave-by-daemon",
		spec: "dhclient -r and -x ask the running daemon, which runs RELEASE or STOP with its own -e variables and the lease it holds",
		how: "from the replay's RELEASE and STOP calls of scenarios 1 (dhclient -r) and 2 (dhclient -x), the daemon's -e FOO=bar " +
			"(scenario 1's daemon; its -r has none) and old_next_server (siaddr, which the daemon holds and ISC's new process, " +
			"reading the lease file, does not) are dropped",
		replayEnv: func(scenario, reason, line string) bool {
			leave := scenario == "1-dnsmasq-bound-renew-release" || scenario == "2-daemon-stop-reboot"
			return leave && (reason == "RELEASE" || reason == "STOP") && (line == "FOO=bar" || strings.HasPrefix(line, "old_next_server="))
		},
	},
	{
		id:   "leave-output",
		spec: "dhclient -r and -x ask the running daemon, which ends itself and sends the DHCPRELEASE",
		how: "ISC's -r/-x process kills the daemon and opens its own sockets: its `Killed old client process`, " +
			"`Listening on`/`Sending on` and DHCPRELEASE lines are dropped from logs/1-dhclient-r.log and logs/2-dhclient-x.log, " +
			"and the DHCPRELEASE line the replay's daemon logs last from its own log (logs/1-foreground-d-v.log)",
		goldenLog: func(file, line string) bool {
			if file != "1-dhclient-r.log" && file != "2-dhclient-x.log" {
				return false
			}
			return line == "Killed old client process" || strings.HasPrefix(line, "Listening on ") ||
				strings.HasPrefix(line, "Sending on ") || strings.HasPrefix(line, "DHCPRELEASE of ")
		},
		replayLog: func(file string, lines []string) []string {
			if n := len(lines); file == "1-foreground-d-v.log" && n > 0 && strings.HasPrefix(lines[n-1], "DHCPRELEASE of ") {
				return lines[:n-1]
			}
			return lines
		},
	},
	{
		id:   "banner",
		spec: "the -v/-d output opens with leased's banner in place of ISC's copyright lines, as many lines",
		how:  "ISC's four copyright lines and leased's four banner lines both read `<banner N>`",
		logLine: func(line string) string {
			if n := slices.IndexFunc(goldenBanners, func(b [2]string) bool { return strings.HasPrefix(line, b[0]) || strings.HasPrefix(line, b[1]) }); n >= 0 {
				return fmt.Sprintf("<banner %d>", n+1)
			}
			return line
		},
	},
	{
		id:   "sigterm-pidfile",
		spec: "SIGTERM keeps ISC's meaning (exit, no script) but the pid file is removed",
		how:  "not compared: no golden capture holds a pid file (scenario 2's REBOOT run ends with SIGTERM)",
	},
	{
		id:   "medium",
		spec: "media statements (MEDIUM) are not supported (warned, ignored)",
		how: "MEDIUM script calls are dropped, and ISC's `Trying medium` line from logs/11-alias-media.log; " +
			"leased's warning about the statement (message, source line, caret) is dropped from its log",
		reason: func(r string) (string, bool) {
			return r, r != "MEDIUM"
		},
		goldenLog: func(file, line string) bool {
			return strings.HasPrefix(line, "Trying medium ")
		},
		replayLog: func(_ string, lines []string) []string { return goldenDropWarning(lines, ": media ignored") },
	},
	{
		id:   "omapi",
		spec: "OMAPI is not supported (warned, ignored); dhclientctl replaces omshell",
		how: "scenario 10 sets control states 3, 4 and 2 with dhclientctl pause, resume and shutdown instead of omshell; " +
			"the omshell transcripts are not compared; leased's warning about the statement is dropped from its log",
		replayLog: func(_ string, lines []string) []string { return goldenDropWarning(lines, ": omapi ignored") },
	},
}

// goldenBanners pairs the start of each of ISC's copyright lines with
// the start of leased's banner line in its place (cmd/dhclient).
var goldenBanners = [][2]string{
	{"Internet Systems Consortium DHCP Client ", "leased dhclient "},
	{"Copyright 2004-", "DHCPv4 only; "},
	{"All rights reserved.", "Status, renew and release: "},
	{"For info, please visit https://www.isc.org/", "For info, please see dhclient(8)."},
}

// goldenDropWarning drops the configuration warnings holding phrase: the
// message, then the source line and the caret under it.
func goldenDropWarning(lines []string, phrase string) []string {
	var out []string
	for i := 0; i < len(lines); i++ {
		if strings.Contains(lines[i], " line ") && strings.Contains(lines[i], phrase) {
			if i+2 < len(lines) && strings.TrimSpace(lines[i+2]) == "^" {
				i += 2
			}
			continue
		}
		out = append(out, lines[i])
	}
	return out
}

// goldenScenarios are the scenarios of reference/isc-golden replayed
// (scenario 6 and 6b have no captures in the copy). link is the client
// link of the golden run, "" for a namespace with only lo.
var goldenScenarios = []struct {
	name string
	link string
	run  func(g *goldenRig)
}{
	{"1-dnsmasq-bound-renew-release", goldenVeth, goldenRun1},
	{"2-daemon-stop-reboot", goldenVeth, goldenRun2},
	{"3-timeout-expire-fail", goldenVeth, goldenRun3},
	{"4a-onetry-no-server", goldenXveth, goldenRun4a},
	{"4b-onetry-timeout-script-fails", goldenXveth, goldenRun4b},
	{"5-nbi", "", goldenRun5},
	{"7-db-time-format-local-lease-id-hex", goldenXveth, goldenRun7},
	{"8-default-octal-duid", goldenXveth, goldenRun8},
	{"9-isc-dhcpd-bound", goldenVeth, goldenRun9},
	{"10-omapi-control", goldenXveth, goldenRun10},
	{"11-alias-media-fallback-lease", goldenXveth, goldenRun11},
	{"12-timing-default", goldenTveth, goldenRun12Default},
	{"12-timing-tuned", goldenTveth, goldenRun12Tuned},
	{"12-nw", goldenTveth, goldenRun12NoWait},
	{"12-config-parse-error", "", goldenRun12ParseError},
	{"13-daemon-no-server", goldenQveth, goldenRun13},
}

// Windows of the golden main capture (packets/main-server-side-tcpdump.txt)
// per scenario, in capture-clock seconds.
const (
	goldenMainCapture = "packets/main-server-side-tcpdump.txt"
	golden1From       = 1795371861
	golden2From       = 1795371935
	golden3From       = 1795371960
	golden9From       = 1795372100
	goldenMainTo      = 1795372200
)

// prepare makes the run folder dir with an empty lease file (ISC needs
// -lf to exist) unless one was written, and returns its dump folder.
func (g *goldenRig) prepare(dir, dumps string) string {
	lf := filepath.Join(dir, "dhclient.leases")
	if _, err := os.Stat(filepath.Join(g.T, lf)); err != nil {
		g.file(lf, "")
	}
	return filepath.Join(g.T, dir, dumps)
}

// argv is a golden command line: flags, the files relative to the run
// folder, DUMPDIR, extra, and the interface (ifname "" for none).
func (g *goldenRig) argv(conf, dumps string, flags []string, ifname string, extra ...string) []string {
	a := slices.Clone(flags)
	a = append(a, "-cf", "../"+conf, "-lf", "dhclient.leases", "-pf", "dhclient.pid", "-sf", "../dump.sh", "-e", "DUMPDIR="+dumps)
	a = append(a, extra...)
	if ifname != "" {
		a = append(a, ifname)
	}
	return a
}

// Scenario 1: dnsmasq; a foreground client binds and renews after T1;
// then dhclient -r releases.
func goldenRun1(g *goldenRig) {
	t := g.t
	g.fuzzT1T2()
	g.serverAddr("10.77.0.1/24")
	g.dnsmasq(goldenFile(t, "harness/dnsmasq.conf"))
	g.file("dhclient.conf", goldenFile(t, "harness/dhclient.conf"))
	dumps := g.prepare("run1", "dumps")
	fg := g.start("dhclient -d -v", "run1", g.argv("dhclient.conf", dumps, []string{"-d", "-v"}, g.ifname, "-e", "FOO=bar")...)
	// T1 is 60 s, randomised by the client to 45..60 s.
	g.waitReason(dumps, "RENEW", 1, goldenLong, fg)
	// ISC logs "bound to" once the script has returned.
	g.waitOutputN(fg, "bound to", 2, 5*time.Second)
	g.pool("10.77.0.146", goldenReadDumps(dumps), "")
	afterRenew := g.read("run1/dhclient.leases")
	r := g.run("dhclient -r", "run1", goldenStep, g.argv("dhclient.conf", dumps, []string{"-r", "-v"}, g.ifname)...)
	g.waitReason(dumps, "RELEASE", 1, goldenStep, nil)
	g.outcome("dhclient -r ends the running client", fg.wait(goldenStep),
		"the foreground dhclient still runs %v after dhclient -r (ISC's was killed)", goldenStep)
	afterRelease := g.read("run1/dhclient.leases")

	g.compareEnv("1-dnsmasq-bound-renew-release", dumps)
	g.compareLease("1a-after-bound-and-renew.leases", afterRenew)
	g.compareLease("1b-after-dhclient-r.leases", afterRelease)
	g.compareLog("1-foreground-d-v.log", fg, "")
	g.compareLog("1-dhclient-r.log", r, "")
	g.comparePackets(goldenMainCapture, golden1From, golden2From)
}

// Scenario 2: the lease file scenario 1 left (its lease released, so
// expired); a daemon-mode start, dhclient -x, then a foreground start
// with the still valid lease (INIT-REBOOT), ended by SIGTERM.
func goldenRun2(g *goldenRig) {
	t := g.t
	g.fuzzT1T2()
	g.serverAddr("10.77.0.1/24")
	g.dnsmasq(goldenFile(t, "harness/dnsmasq.conf"))
	g.file("dhclient.conf", goldenFile(t, "harness/dhclient.conf"))
	g.file("run2/dhclient.leases", goldenFile(t, "leases/1b-after-dhclient-r.leases"))
	dumps := g.prepare("run2", "dumps")
	args := func(flags ...string) []string { return g.argv("dhclient.conf", dumps, flags, g.ifname) }

	start := g.run("dhclient -v (daemon)", "run2", goldenStep, args("-v")...)
	g.waitReason(dumps, "BOUND", 1, goldenStep, nil)
	g.pool("10.77.0.146", goldenReadDumps(dumps), "")
	afterBound := g.read("run2/dhclient.leases")
	daemon := g.daemonPID("run2/dhclient.pid", 5*time.Second)
	g.outcome("dhclient -v leaves a daemon", daemon != 0, "no daemon runs after dhclient -v returned (pid file %q)",
		g.read("run2/dhclient.pid"))
	x := g.run("dhclient -x", "run2", goldenStep, args("-x", "-v")...)
	g.waitReason(dumps, "STOP", 1, goldenStep, nil)
	if daemon != 0 {
		deadline := time.Now().Add(goldenStep)
		for lab.Alive(daemon) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		g.outcome("dhclient -x ends the daemon", !lab.Alive(daemon), "daemon %d still runs %v after dhclient -x", daemon, goldenStep)
	}
	afterStop := g.read("run2/dhclient.leases")
	fg := g.start("dhclient -d -v (reboot)", "run2", args("-d", "-v")...)
	g.waitReason(dumps, "REBOOT", 1, goldenStep, fg)
	g.waitOutput(fg, "bound to", 5*time.Second)
	fg.proc.Stop() // SIGTERM, as in the golden run

	g.compareEnv("2-daemon-stop-reboot", dumps)
	g.compareExit("dhclient -v (daemon) returns once bound", 0, start)
	g.compareExit("dhclient -x", 0, x)
	g.compareLease("2a-daemon-bound.leases", afterBound)
	g.compareLease("2b-after-dhclient-x.leases", afterStop)
	g.compareLog("2-daemon-start.log", start, "")
	g.compareLog("2-dhclient-x.log", x, "")
	g.compareLog("2-reboot.log", fg, "")
	g.comparePackets(goldenMainCapture, golden2From, golden3From)
}

// goldenRecorded is the lease scenario 2 left in the file (golden
// 2b-after-dhclient-x.leases), the recorded lease of scenarios 3 and 4b.
func goldenRecorded(t *testing.T) string {
	_, blocks := goldenLeaseBlocks(goldenFile(t, "leases/2b-after-dhclient-x.leases"))
	return strings.Join(blocks[len(blocks)-1], "\n") + "\n"
}

// Scenario 3: no server; a valid recorded lease; timeout 10. INIT-REBOOT,
// DISCOVERs, TIMEOUT (the script accepts the lease), renewals that get
// no answer, EXPIRE, PREINIT, DISCOVERs, FAIL. The recorded lease is
// re-timed to renew 44 s, rebind 52 s and expire 62 s after the start
// (golden: 49, 96 and 111 s), which keeps the replay near a minute and
// leaves the TIMEOUT (ISC: 23 s after the start, leased about 30 s; both
// depend on random retransmission intervals) room before the renewal;
// the environments hold the times only as expiry, which is normalised.
func goldenRun3(g *goldenRig) {
	t := g.t
	g.serverAddr("10.77.0.1/24") // dnsmasq stopped, as in the golden run
	g.file("dhclient-timeout-10.conf", goldenFile(t, "harness/dhclient.conf")+"timeout 10;\n")
	now := time.Now()
	g.file("run3/dhclient.leases", goldenRetime(goldenRecorded(t), g.ifname,
		now.Add(44*time.Second), now.Add(52*time.Second), now.Add(62*time.Second)))
	dumps := g.prepare("run3", "dumps")
	fg := g.start("dhclient -d -v", "run3", g.argv("dhclient-timeout-10.conf", dumps, []string{"-d", "-v"}, g.ifname)...)
	g.waitReason(dumps, "FAIL", 1, goldenLong, fg)
	g.waitOutput(fg, "No working leases in persistent database - sleeping.", 5*time.Second)
	fg.proc.Stop()

	g.compareEnv("3-timeout-expire-fail", dumps)
	g.compareLog("3-timeout-expire.log", fg, "")
	g.comparePackets(goldenMainCapture, golden3From, golden9From)
}

// Scenario 4a: no server, timeout 5, dhclient -1 in daemon mode: FAIL,
// exit 2.
func goldenRun4a(g *goldenRig) {
	t := g.t
	g.file("dhclient-timeout-5.conf", goldenFile(t, "harness/dhclient.conf")+"timeout 5;\n")
	dumps := g.prepare("run4", "dumps-onetry")
	r := g.run("dhclient -1 -v", "run4", goldenLong, g.argv("dhclient-timeout-5.conf", dumps, []string{"-1", "-v"}, g.ifname)...)
	g.stopDaemon("run4/dhclient.pid")

	g.compareEnv("4a-onetry-no-server", dumps)
	g.compareExit("dhclient -1 without a lease", 2, r)
	g.compareLog("4a-onetry.log", r, "")
}

// Scenario 4b: as 4a with a valid recorded lease and a script that exits
// 1 for TIMEOUT: TIMEOUT, FAIL, exit 2. The recorded lease is scenario
// 2's, moved to this link and re-timed to expire in 120 s.
func goldenRun4b(g *goldenRig) {
	t := g.t
	g.file("dhclient-timeout-5.conf", goldenFile(t, "harness/dhclient.conf")+"timeout 5;\n")
	now := time.Now()
	g.file("run4/dhclient.leases", goldenRetime(goldenRecorded(t), g.ifname,
		now.Add(58*time.Second), now.Add(105*time.Second), now.Add(120*time.Second)))
	g.file("exit-TIMEOUT", "1\n")
	dumps := g.prepare("run4", "dumps-timeout-fail")
	r := g.run("dhclient -1 -v", "run4", goldenLong, g.argv("dhclient-timeout-5.conf", dumps, []string{"-1", "-v"}, g.ifname)...)
	g.stopDaemon("run4/dhclient.pid")

	g.compareEnv("4b-onetry-timeout-script-fails", dumps)
	g.compareExit("dhclient -1, TIMEOUT script fails", 2, r)
	g.compareLog("4b-onetry-timeout-fail.log", r, "")
}

// Scenario 5: a namespace with only lo: no interface named (NBI, exit 0),
// then a missing interface named (PREINIT for it, exit 1).
func goldenRun5(g *goldenRig) {
	t := g.t
	g.file("dhclient.conf", goldenFile(t, "harness/dhclient.conf"))
	dumps := g.prepare("run5", "dumps")
	nbi := g.run("dhclient -v (no interface)", "run5", goldenStep, g.argv("dhclient.conf", dumps, []string{"-v"}, "")...)
	g.stopDaemon("run5/dhclient.pid")
	missing := g.run("dhclient -v isc-nothere", "run5", goldenStep, g.argv("dhclient.conf", dumps, []string{"-v"}, "isc-nothere")...)
	g.stopDaemon("run5/dhclient.pid")

	g.compareEnv("5-nbi", dumps)
	g.compareExit("no broadcast interfaces", 0, nbi)
	g.compareExit("missing interface", 1, missing)
	g.compareLog("5-nbi.log", nbi, "")
	g.compareLog("5-missing-interface.log", missing, "")
}

// goldenBindOnce runs a foreground client with conf and flags until it is
// bound and its lease file written, and stops it; it returns the command
// and the lease file.
func (g *goldenRig) bindOnce(dir, conf, pooled string, flags ...string) (*goldenCmd, string) {
	dumps := g.prepare(dir, "dumps")
	fg := g.start("dhclient "+strings.Join(flags, " "), dir, g.argv(conf, dumps, flags, g.ifname)...)
	g.waitReason(dumps, "BOUND", 1, goldenStep, fg)
	g.waitFile(dir+"/dhclient.leases", "fixed-address", 5*time.Second)
	g.waitOutput(fg, "bound to", 5*time.Second)
	lease := g.read(dir + "/dhclient.leases")
	g.pool(pooled, goldenReadDumps(dumps), lease)
	fg.proc.Stop()
	return fg, lease
}

// Scenario 7: the hostile dnsmasq; -i with db-time-format local and
// lease-id-format hex.
func goldenRun7(g *goldenRig) {
	t := g.t
	g.serverAddr("10.88.0.1/24")
	g.dnsmasq(goldenFile(t, "dnsmasq-hostile.conf"))
	g.file("dhclient-local.conf", goldenFile(t, "harness/dhclient-local.conf"))
	fg, lease := g.bindOnce("run7", "dhclient-local.conf", "10.88.0.108", "-d", "-v", "-i")

	g.compareLease("7-db-time-format-local-lease-id-hex-with-i.leases", lease)
	g.compareLog("7-local-time-hex.log", fg, "")
}

// Scenario 8: as 7 with the default formats: the octal default-duid. The
// configuration is dhclient-local.conf without its db-time-format and
// lease-id-format lines (the golden one is not in the copy; its request
// list shows in the packets).
func goldenRun8(g *goldenRig) {
	t := g.t
	g.serverAddr("10.88.0.1/24")
	g.dnsmasq(goldenFile(t, "dnsmasq-hostile.conf"))
	var conf []string
	for _, l := range goldenLines(goldenFile(t, "harness/dhclient-local.conf")) {
		if !strings.HasPrefix(l, "db-time-format") && !strings.HasPrefix(l, "lease-id-format") {
			conf = append(conf, l)
		}
	}
	g.file("dhclient-default-formats.conf", strings.Join(conf, "\n")+"\n")
	_, lease := g.bindOnce("run8", "dhclient-default-formats.conf", "10.88.0.109", "-d", "-v", "-i")

	g.compareLease("8-default-octal-duid-with-i.leases", lease)
	g.comparePackets("packets/dash-i-client-id-tcpdump.txt", 0, 1e10)
}

// Scenario 9: ISC dhcpd as the server.
func goldenRun9(g *goldenRig) {
	t := g.t
	g.serverAddr("10.77.0.1/24")
	g.dhcpd(goldenFile(t, "harness/dhcpd.conf"))
	g.file("dhclient.conf", goldenFile(t, "harness/dhclient.conf"))
	fg, lease := g.bindOnce("run9", "dhclient.conf", "10.77.0.200", "-d", "-v")

	g.compareEnv("9-isc-dhcpd-bound", filepath.Join(g.T, "run9", "dumps"))
	g.compareLease("9-from-isc-dhcpd.leases", lease)
	g.compareLog("9-dhcpd.log", fg, "")
	g.comparePackets(goldenMainCapture, golden9From, goldenMainTo)
}

// Scenario 10: the control states of OMAPI: 3 (hibernate: STOP), 4
// (awaken: INIT-REBOOT, REBOOT), 2 (shutdown: DHCPRELEASE, RELEASE,
// exit 0). leased is driven by dhclientctl (goldenAccepted "omapi").
func goldenRun10(g *goldenRig) {
	t := g.t
	g.serverAddr("10.88.0.1/24")
	g.dnsmasq(goldenFile(t, "dnsmasq-hostile.conf"))
	g.file("dhclient-omapi.conf", goldenFile(t, "harness/dhclient-omapi.conf"))
	dumps := g.prepare("run10", "dumps")
	fg := g.start("dhclient -d -v", "run10", g.argv("dhclient-omapi.conf", dumps, []string{"-d", "-v"}, g.ifname)...)
	g.waitReason(dumps, "BOUND", 1, goldenStep, fg)
	g.waitOutput(fg, "bound to", 5*time.Second)
	g.pool("10.88.0.109", goldenReadDumps(dumps), "")
	steps := []struct {
		state  int
		ctl    []string
		reason string
	}{
		{3, []string{"pause", g.ifname}, "STOP"},
		{4, []string{"resume", g.ifname}, "REBOOT"},
		{2, []string{"shutdown"}, "RELEASE"},
	}
	for _, s := range steps {
		if g.isc {
			g.omshell(s.state)
		} else {
			g.dhclientctl("run10/dhclient.pid", s.ctl...)
		}
		g.waitReason(dumps, s.reason, 1, goldenStep, nil)
		if s.reason == "REBOOT" {
			g.waitOutputN(fg, "bound to", 2, 5*time.Second)
		}
	}
	if !fg.wait(goldenStep) {
		t.Logf("dhclient still runs %v after control state 2 (shutdown)", goldenStep)
	}
	lease := g.read("run10/dhclient.leases")

	g.compareEnv("10-omapi-control", dumps)
	g.compareExit("control state 2 (shutdown) ends the client", 0, fg)
	g.compareLease("10-omapi-after-state-2.leases", lease)
	g.compareLog("10-omapi.log", fg, "")
}

// Scenario 11: alias {}, media and a fallback lease {} in dhclient.conf,
// no server, -1 in daemon mode: the fallback lease is taken (TIMEOUT)
// and the command returns 0.
func goldenRun11(g *goldenRig) {
	t := g.t
	g.file("dhclient-alias.conf", goldenFile(t, "harness/dhclient-alias.conf"))
	dumps := g.prepare("run11", "dumps")
	r := g.run("dhclient -1 -v", "run11", goldenLong, g.argv("dhclient-alias.conf", dumps, []string{"-1", "-v"}, g.ifname)...)
	g.waitReason(dumps, "TIMEOUT", 1, 5*time.Second, nil)
	g.stopDaemon("run11/dhclient.pid")

	g.compareEnv("11-alias-media-fallback-lease", dumps)
	g.compareExit("dhclient -1 takes the fallback lease", 0, r)
	g.compareLog("11-alias-media.log", r, "")
}

// goldenSleeping is ISC's line after FAIL in daemon's retry wait.
const goldenSleeping = "No working leases in persistent database - sleeping."

// Scenario 12, default timing: no server, timeout 60; the golden log
// goes on into the next cycle 150..449 s later (retry 300), which is cut:
// the replay compares up to the FAIL.
func goldenRun12Default(g *goldenRig) {
	t := g.t
	g.file("dhclient-timing-default.conf", goldenFile(t, "harness/dhclient-timing-default.conf"))
	dumps := g.prepare("timing", "dumps")
	fg := g.start("dhclient -d -v", "timing", g.argv("dhclient-timing-default.conf", dumps, []string{"-d", "-v"}, g.ifname)...)
	g.waitReason(dumps, "FAIL", 1, goldenLong, fg)
	g.waitOutput(fg, goldenSleeping, 5*time.Second)
	fg.proc.Stop()

	g.compareEnv("12-timing-no-server", dumps)
	g.compareLog("12-timing-default.log", fg, goldenSleeping)
	g.comparePackets("timing/default-tcpdump.txt", 0, 1795371920)
}

// Scenario 12, tuned timing (timeout 12, retry 10): up to the first
// DISCOVER of the next cycle.
func goldenRun12Tuned(g *goldenRig) {
	t := g.t
	g.file("dhclient-timing-tuned.conf", goldenFile(t, "harness/dhclient-timing-tuned.conf"))
	dumps := g.prepare("timing", "dumps")
	fg := g.start("dhclient -d -v", "timing", g.argv("dhclient-timing-tuned.conf", dumps, []string{"-d", "-v"}, g.ifname)...)
	g.waitReason(dumps, "FAIL", 1, goldenLong, fg)
	before := strings.Count(fg.Output(), "DHCPDISCOVER")
	deadline := time.Now().Add(goldenStep)
	for strings.Count(fg.Output(), "DHCPDISCOVER") == before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	fg.proc.Stop()

	g.compareEnv("12-timing-no-server", dumps)
	g.compareLog("12-timing-tuned.log", fg, "")
}

// Scenario 12, -nw: returns at once, 0.
func goldenRun12NoWait(g *goldenRig) {
	t := g.t
	g.file("dhclient-timing-default.conf", goldenFile(t, "harness/dhclient-timing-default.conf"))
	dumps := g.prepare("timing", "dumps")
	r := g.run("dhclient -nw -v", "timing", goldenStep, g.argv("dhclient-timing-default.conf", dumps, []string{"-nw", "-v"}, g.ifname)...)
	g.waitOutput(r, "DHCPDISCOVER", 5*time.Second)
	g.stopDaemon("timing/dhclient.pid")

	g.compareExit("dhclient -nw", 0, r)
	g.compareLog("12-nw.log", r, "")
}

// Scenario 12, harness/bad.conf: syntax errors are warnings with file,
// line and caret; with no broadcast interface the client then exits 0.
func goldenRun12ParseError(g *goldenRig) {
	t := g.t
	g.file("bad.conf", goldenFile(t, "harness/bad.conf"))
	g.file("dhclient.leases", "")
	r := g.run("dhclient -v -cf bad.conf", ".", goldenStep, "-v", "-cf", "bad.conf", "-lf", "dhclient.leases",
		"-pf", "dhclient.pid", "-sf", "dump.sh", "-e", "DUMPDIR="+filepath.Join(g.T, "dumps"))
	g.stopDaemon("dhclient.pid")

	g.compareExit("dhclient -v -cf bad.conf, no broadcast interfaces", 0, r)
	g.compareLog("12-config-parse-error.log", r, "")
}

// Scenario 13: daemon mode, no server, timeout 3: the command returns 0
// after the FAIL and the daemon keeps trying. The golden configuration is
// not in the copy: harness/dhclient.conf with timeout 3.
func goldenRun13(g *goldenRig) {
	t := g.t
	g.file("dhclient-timeout-3.conf", goldenFile(t, "harness/dhclient.conf")+"timeout 3;\n")
	dumps := g.prepare("run13", "dumps")
	r := g.run("dhclient -v (daemon)", "run13", goldenLong, g.argv("dhclient-timeout-3.conf", dumps, []string{"-v"}, g.ifname)...)
	alive := g.daemonPID("run13/dhclient.pid", 5*time.Second) != 0
	g.stopDaemon("run13/dhclient.pid")

	g.compareExit("dhclient -v returns after the timeout", 0, r)
	g.outcome("the daemon keeps trying", alive, "no daemon runs after dhclient -v returned (pid file %q): ISC's keeps trying",
		g.read("run13/dhclient.pid"))
	g.compareLog("13-daemon-no-server-returns-after-timeout.log", r, "")
}

// compareEnv compares the script calls dump.sh recorded in dumps with the
// golden env/<scenario>: the sequence of reasons, then each environment
// (calls paired along the sequence).
func (g *goldenRig) compareEnv(scenario, dumps string) {
	t := g.t
	want := goldenAcceptReasons(goldenReadGoldenEnv(t, scenario))
	got := goldenAcceptReplayEnv(scenario, goldenAcceptReasons(goldenReadDumps(dumps)))
	wr, gr := goldenReasons(want), goldenReasons(got)
	if !slices.Equal(wr, gr) {
		t.Errorf("%s: script calls %v, golden %v", scenario, gr, wr)
	}
	for _, p := range goldenAlign(wr, gr) {
		var w, gl []string
		name := ""
		if p.i >= 0 {
			w = goldenMap(want[p.i].lines, g.want.env)
			name = filepath.Base(want[p.i].file)
		}
		if p.j >= 0 {
			gl = goldenMap(got[p.j].lines, g.got.env)
			if name == "" {
				name = "(none)"
			}
			name += " | " + filepath.Base(got[p.j].file)
		}
		d := goldenSetDiff(w, gl)
		g.res.env.add(d)
		if !d.same() {
			t.Errorf("%s %s: environment differs (-golden +replay), %d/%d equal:\n%s", scenario, name, d.eq, d.total, d.text())
		}
	}
}

// goldenAcceptReplayEnv applies goldenAccepted's replayEnv rules to the
// replay's calls.
func goldenAcceptReplayEnv(scenario string, ds []goldenDump) []goldenDump {
	for i, d := range ds {
		d.lines = slices.DeleteFunc(slices.Clone(d.lines), func(l string) bool {
			for _, a := range goldenAccepted {
				if a.replayEnv != nil && a.replayEnv(scenario, d.reason, l) {
					return true
				}
			}
			return false
		})
		ds[i] = d
	}
	return ds
}

// goldenAcceptReasons applies goldenAccepted's reason rules to calls.
func goldenAcceptReasons(ds []goldenDump) []goldenDump {
	var out []goldenDump
	for _, d := range ds {
		keep := true
		for _, a := range goldenAccepted {
			if a.reason == nil || !keep {
				continue
			}
			r, ok := a.reason(d.reason)
			if !ok {
				keep = false
				continue
			}
			if r != d.reason {
				d.lines = slices.Clone(d.lines)
				for i, l := range d.lines {
					if l == "reason="+d.reason {
						d.lines[i] = "reason=" + r
					}
				}
				d.reason = r
			}
		}
		if keep {
			out = append(out, d)
		}
	}
	return out
}

func goldenReasons(ds []goldenDump) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.reason)
	}
	return out
}

func goldenMap(lines []string, f func(string) string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = f(l)
	}
	return out
}

// goldenPair is an element of want (i) paired with one of got (j); -1
// for none.
type goldenPair struct{ i, j int }

// goldenAlign pairs the equal elements of a longest common subsequence;
// the others are paired with nothing, in order.
func goldenAlign(want, got []string) []goldenPair {
	d := goldenSeqDiff(want, got)
	var out []goldenPair
	i, j := 0, 0
	for _, s := range d.seq {
		switch s[0] {
		case ' ':
			out = append(out, goldenPair{i, j})
			i, j = i+1, j+1
		case '-':
			out = append(out, goldenPair{i, -1})
			i++
		case '+':
			out = append(out, goldenPair{-1, j})
			j++
		}
	}
	return out
}

// compareLease compares the lease file got with the golden leases/name.
func (g *goldenRig) compareLease(name, got string) {
	t := g.t
	pick := func(text string, n func(string) string) []string {
		top, blocks := goldenLeaseBlocks(text)
		for _, a := range goldenAccepted {
			if a.blocks != nil {
				blocks = a.blocks(blocks)
			}
		}
		lines := slices.Clone(top)
		for _, b := range blocks {
			lines = append(lines, b...)
		}
		return goldenMap(lines, n)
	}
	d := goldenSetDiff(pick(goldenFile(t, "leases/"+name), g.want.lease), pick(got, g.got.lease))
	g.res.lease.add(d)
	if !d.same() {
		t.Errorf("lease file at %s differs (-golden +replay; option order is ISC's hash order and not compared), %d/%d equal:\n%s\n--- replay's lease file ---\n%s",
			name, d.eq, d.total, d.text(), got)
	}
}

// goldenRCRE is the exit status line the golden harness appended to a log.
var goldenRCRE = regexp.MustCompile(`^rc=([0-9]+)$`)

// compareLog compares the output of c with the golden logs/name (up to
// and including the first line holding cut, if not ""), and its exit
// status with the golden one when the log records it. Differences are
// reported, not failed: leased does not claim ISC's output yet.
func (g *goldenRig) compareLog(name string, c *goldenCmd, cut string) {
	t := g.t
	var want []string
	for _, l := range goldenLines(goldenFile(t, "logs/"+name)) {
		if m := goldenRCRE.FindStringSubmatch(l); m != nil {
			rc, _ := strconv.Atoi(m[1])
			g.compareExit(name+" rc", rc, c)
			continue
		}
		if slices.ContainsFunc(goldenAccepted, func(a goldenAcceptance) bool { return a.goldenLog != nil && a.goldenLog(name, l) }) {
			continue
		}
		want = append(want, l)
		if cut != "" && strings.Contains(l, cut) {
			break
		}
	}
	got := goldenLines(c.Output())
	for _, a := range goldenAccepted {
		if a.replayLog != nil {
			got = a.replayLog(name, got)
		}
	}
	for _, a := range goldenAccepted {
		if a.logLine != nil {
			for i := range want {
				want[i] = a.logLine(want[i])
			}
			for i := range got {
				got[i] = a.logLine(got[i])
			}
		}
	}
	want = goldenCollapseLog(goldenMap(want, g.want.log))
	got = goldenCollapseLog(goldenMap(got, g.got.log))
	d := goldenSeqDiff(want, got)
	g.res.log.add(d)
	if !d.same() {
		t.Logf("log %s differs from %q, %d/%d equal, %d extra (-golden +replay, repeated lines collapsed):\n%s",
			name, c.name, d.eq, d.total, len(d.plus), d.text())
	}
}

// outcome records a check of how a process ended or stayed (counted with
// the exit codes): ok, or a failure saying why.
func (g *goldenRig) outcome(step string, ok bool, format string, args ...any) {
	g.res.exit.total++
	if ok {
		g.res.exit.eq++
		return
	}
	g.t.Errorf("%s: "+format, append([]any{step}, args...)...)
}

// compareExit compares the exit status of c with want.
func (g *goldenRig) compareExit(step string, want int, c *goldenCmd) {
	g.res.exit.total++
	if c.code == want {
		g.res.exit.eq++
		return
	}
	g.t.Errorf("%s: %s exited %d, golden %d\n%s", step, c.name, c.code, want, c.Output())
}

// comparePackets compares the client packets captured on the server's
// end of the link with those of a golden capture between from and to.
// Differences are reported, not failed.
func (g *goldenRig) comparePackets(file string, from, to float64) {
	t := g.t
	scenario := strings.TrimPrefix(t.Name(), "TestGoldenISC/scenario/")
	var want []string
	for _, p := range goldenParseTcpdump(goldenFile(t, file), from, to) {
		if slices.ContainsFunc(goldenAccepted, func(a goldenAcceptance) bool { return a.goldenPacket != nil && a.goldenPacket(scenario, p) }) {
			continue
		}
		want = append(want, p.summary(g.want))
	}
	var got []string
	for _, p := range g.cap.packets() {
		for _, a := range goldenAccepted {
			if a.replayPacket != nil {
				p = a.replayPacket(p)
			}
		}
		got = append(got, p.summary(g.got))
	}
	d := goldenSeqDiff(goldenCollapse(want), goldenCollapse(got))
	g.res.pkt.add(d)
	if !d.same() {
		t.Logf("client packets differ from %s, %d/%d equal, %d extra (-golden +replay, retransmissions collapsed):\n%s",
			file, d.eq, d.total, len(d.plus), d.text())
	}
}
