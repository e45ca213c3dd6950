//go:build linux

package e2e

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// How a golden scenario's captures are compared with leased's: the
// normalisation of what legitimately varies between two runs, and the
// diffs. The differences leased has on purpose are not here: they are
// the table goldenAccepted (golden_test.go).

// goldenEpoch is when the golden captures were made (the clock of the
// capture machine, November 2026): the reference for "a time of the run"
// on the golden side.
const goldenEpoch = 1795372000

// goldenCounts is equal lines out of the golden total for one kind of
// capture; extra counts the lines only leased produced.
type goldenCounts struct{ eq, total, extra int }

func (c *goldenCounts) add(d goldenDiff) {
	c.eq += d.eq
	c.total += d.total
	c.extra += len(d.plus)
}

func (c goldenCounts) String() string {
	if c.total == 0 && c.extra == 0 {
		return "-"
	}
	s := fmt.Sprintf("%d/%d", c.eq, c.total)
	if c.extra > 0 {
		s += fmt.Sprintf(" +%d", c.extra)
	}
	return s
}

// goldenResult is what one scenario measured.
type goldenResult struct {
	name                 string
	env, lease, log, pkt goldenCounts
	exit                 goldenCounts
	ran, failed, skipped bool
}

// goldenNorm normalises one side's text: the golden captures (now =
// goldenEpoch, host "vm") or leased's (now = the test's clock, its temp
// dir, its host name and the pooled addresses it was given).
type goldenNorm struct {
	now      int64
	tmp      string // the run's temp dir, written $T as in the golden files
	hostname string
	pool     []goldenPool
	// t1t2Fuzz: dnsmasq subtracts a random 0..lease/16 s from T1 and T2
	// when it acknowledges a renewal (golden RENEW: 55/100 for a 120 s
	// lease, BOUND 60/105); those values are compared as a range.
	t1t2Fuzz bool
}

// goldenPool maps an address the lab's server pooled to the one the
// golden server gave (same pool, same MAC: usually the same address).
type goldenPool struct {
	got, want string
	re        *regexp.Regexp
}

func newGoldenPool(got, want string) goldenPool {
	return goldenPool{got: got, want: want, re: regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(got) + `($|[^0-9])`)}
}

var (
	goldenEpochRE    = regexp.MustCompile(`\b1[0-9]{9}\b`)
	goldenDateRE     = regexp.MustCompile(`\b([0-6]) ([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}) ([0-9]{1,2}):([0-9]{2}):([0-9]{2});`)
	goldenCtimeRE    = regexp.MustCompile(`# [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$`)
	goldenIntervalRE = regexp.MustCompile(`\binterval [0-9]+$`)
	goldenRenewalRE  = regexp.MustCompile(`\brenewal in [0-9]+ seconds\.`)
	goldenDUIDLogRE  = regexp.MustCompile(`^Created duid ([0-9a-f:]+)\.$`)
	goldenT1RE       = regexp.MustCompile(`(dhcp[-_]renewal[-_]time[= ])([0-9]+)`)
	goldenT2RE       = regexp.MustCompile(`(dhcp[-_]rebinding[-_]time[= ])([0-9]+)`)
)

// recent reports whether epoch seconds v lie within a year of now: a time
// of the run, unlike the fixed 2037 of a lease {} in dhclient.conf.
func (n goldenNorm) recent(v int64) bool {
	d := v - n.now
	return d > -366*86400 && d < 366*86400
}

// common applies what every kind of text shares: temp dir, pooled
// addresses, times of the run.
func (n goldenNorm) common(s string) string {
	if n.tmp != "" {
		s = strings.ReplaceAll(s, n.tmp, "$T")
	}
	for _, p := range n.pool {
		s = p.re.ReplaceAllString(s, "${1}"+p.want+"${2}")
	}
	s = goldenEpochRE.ReplaceAllStringFunc(s, func(m string) string {
		v, _ := strconv.ParseInt(m, 10, 64)
		if n.recent(v) {
			return "<time>"
		}
		return m
	})
	s = goldenDateRE.ReplaceAllStringFunc(s, func(m string) string {
		f := goldenDateRE.FindStringSubmatch(m)
		var v [6]int
		for i := range v {
			v[i], _ = strconv.Atoi(f[i+2])
		}
		at := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
		if n.recent(at.Unix()) {
			return "<date>;"
		}
		return m
	})
	s = goldenCtimeRE.ReplaceAllString(s, "# <ctime>")
	if n.t1t2Fuzz {
		s = goldenFuzz(s, goldenT1RE, 60)
		s = goldenFuzz(s, goldenT2RE, 105)
	}
	return s
}

// goldenFuzz writes a value within dnsmasq's renewal fuzz below base (a
// 120 s lease: base-7 to base) as a range.
func goldenFuzz(s string, re *regexp.Regexp, base int) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		f := re.FindStringSubmatch(m)
		v, _ := strconv.Atoi(f[2])
		if v >= base-7 && v <= base {
			return f[1] + fmt.Sprintf("<%d..%d>", base-7, base)
		}
		return m
	})
}

// env normalises one VAR=value line of a hook environment.
func (n goldenNorm) env(line string) string {
	if k, _, ok := strings.Cut(line, "="); ok && k == "pid" {
		return "pid=<pid>"
	}
	return n.common(line)
}

// lease normalises one lease-file line.
func (n goldenNorm) lease(line string) string {
	line = n.common(line)
	if rest, ok := strings.CutPrefix(line, "default-duid "); ok {
		return "default-duid " + goldenDUIDText(strings.TrimSuffix(rest, ";")) + ";"
	}
	return line
}

// log normalises one line of dhclient's -v/-d output.
func (n goldenNorm) log(line string) string {
	line = n.common(line)
	line = goldenIntervalRE.ReplaceAllString(line, "interval <n>")
	line = goldenRenewalRE.ReplaceAllString(line, "renewal in <n> seconds.")
	if m := goldenDUIDLogRE.FindStringSubmatch(line); m != nil {
		line = "Created duid " + goldenDUIDText(m[1]) + "."
	}
	return line
}

// goldenDUIDText renders a DUID written either way ISC writes it (colon
// hex with lease-id-format hex, an octal-escaped string by default) as
// "hex ..." or "octal ...", with the time of a DUID-LLT (RFC 8415 §11.2:
// type 1, hardware type, 4 bytes of time, link-layer address) masked:
// it is the moment the DUID was made.
func goldenDUIDText(v string) string {
	form, b := "hex", goldenHexBytes(v)
	if strings.HasPrefix(v, `"`) {
		form, b = "octal", goldenUnescape(strings.Trim(v, `"`))
	}
	if b == nil {
		return v
	}
	return form + " " + goldenMaskLLT(b, 0)
}

// goldenMaskLLT renders b as hex, the 4 time bytes of a DUID-LLT starting
// at off written TT.
func goldenMaskLLT(b []byte, off int) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	if len(b) >= off+8 && b[off] == 0 && b[off+1] == 1 {
		for i := off + 4; i < off+8; i++ {
			parts[i] = "TT"
		}
	}
	return strings.Join(parts, ":")
}

// goldenHexBytes parses colon hex with optional zero padding; nil if it
// is not that.
func goldenHexBytes(s string) []byte {
	var out []byte
	for f := range strings.SplitSeq(s, ":") {
		if len(f) == 1 {
			f = "0" + f
		}
		b, err := hex.DecodeString(f)
		if err != nil || len(b) != 1 {
			return nil
		}
		out = append(out, b[0])
	}
	return out
}

// goldenUnescape undoes ISC's string escaping: \NNN octal and \c.
func goldenUnescape(s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			out = append(out, s[i])
			continue
		}
		if i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			v, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
			out = append(out, byte(v))
			i += 3
			continue
		}
		out = append(out, s[i+1])
		i++
	}
	return out
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// goldenDiff is the comparison of one golden capture with leased's.
type goldenDiff struct {
	eq, total   int
	minus, plus []string // golden only, leased only
	ordered     bool     // a sequence (- and + interleaved in order)
	seq         []string // for ordered diffs: every line with its mark
}

func (d goldenDiff) same() bool { return len(d.minus) == 0 && len(d.plus) == 0 }

// text renders the diff: for a set, the lines only in golden (-) and only
// in leased (+); for a sequence, every line with " ", "-" or "+".
func (d goldenDiff) text() string {
	if d.ordered {
		return strings.Join(d.seq, "\n")
	}
	var b strings.Builder
	for _, m := range d.minus {
		b.WriteString("-" + m + "\n")
	}
	for _, p := range d.plus {
		b.WriteString("+" + p + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// goldenSetDiff compares two multisets of lines.
func goldenSetDiff(want, got []string) goldenDiff {
	d := goldenDiff{total: len(want)}
	left := slices.Clone(got)
	for _, w := range want {
		if i := slices.Index(left, w); i >= 0 {
			left = slices.Delete(left, i, i+1)
			d.eq++
		} else {
			d.minus = append(d.minus, w)
		}
	}
	d.plus = left
	slices.Sort(d.minus)
	slices.Sort(d.plus)
	return d
}

// goldenSeqDiff compares two sequences of lines by their longest common
// subsequence.
func goldenSeqDiff(want, got []string) goldenDiff {
	n, m := len(want), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	d := goldenDiff{total: n, ordered: true}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			d.seq = append(d.seq, "  "+want[i])
			d.eq++
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			d.seq = append(d.seq, "+ "+got[j])
			d.plus = append(d.plus, got[j])
			j++
		default:
			d.seq = append(d.seq, "- "+want[i])
			d.minus = append(d.minus, want[i])
			i++
		}
	}
	return d
}

// goldenCollapse drops lines equal to the one before: retransmissions,
// whose number depends on random intervals and on how long a step is
// watched.
func goldenCollapse(lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(out) == 0 || out[len(out)-1] != l {
			out = append(out, l)
		}
	}
	return out
}

// goldenProtocolLine reports whether a log line is one of ISC's protocol
// phrases (reference §8), as opposed to a diagnostic.
func goldenProtocolLine(l string) bool {
	for _, p := range []string{"DHCP", "bound", "No ", "Trying ", "Unable "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// goldenCollapseLog drops retransmissions from a log: a DHCPDISCOVER or
// DHCPREQUEST line equal to the protocol line before it, whatever
// diagnostics lie between (their number depends on random intervals and
// on how long a step is watched).
func goldenCollapseLog(lines []string) []string {
	var out []string
	last := ""
	for _, l := range lines {
		retrans := strings.HasPrefix(l, "DHCPDISCOVER ") || strings.HasPrefix(l, "DHCPREQUEST ")
		if retrans && l == last {
			continue
		}
		if goldenProtocolLine(l) {
			last = l
		}
		out = append(out, l)
	}
	return out
}

// goldenLines splits text into lines, without the last empty one.
func goldenLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// goldenLeaseLines is the part of a lease file the comparison looks at:
// statements outside lease blocks (default-duid) and the lease blocks,
// each as its lines. Which blocks count is goldenAccepted's business.
func goldenLeaseBlocks(text string) (top []string, blocks [][]string) {
	var cur []string
	in := false
	for _, l := range goldenLines(text) {
		switch {
		case !in && strings.HasPrefix(l, "lease {"):
			in, cur = true, []string{l}
		case in:
			cur = append(cur, l)
			if strings.TrimSpace(l) == "}" {
				blocks = append(blocks, cur)
				in = false
			}
		case strings.TrimSpace(l) != "":
			top = append(top, l)
		}
	}
	if in {
		blocks = append(blocks, cur) // unterminated: compared as it is
	}
	return top, blocks
}

// goldenDump is one script call captured by dump.sh.
type goldenDump struct {
	file   string
	reason string
	lines  []string // sorted environment
}

// goldenReadDumps reads the sorted environments dump.sh wrote to dir
// (NN-REASON.env, in call order). The NBI call sets REASON, not reason,
// so its file is NN-.env (the golden copy was renamed 00-NBI). dump.sh
// writes NN-REASON.env in place and NN-REASON.argv after it: a dump
// without its .argv may still be half written and is left for later.
func goldenReadDumps(dir string) []goldenDump {
	files, _ := filepath.Glob(filepath.Join(dir, "*.env"))
	slices.Sort(files)
	var out []goldenDump
	for _, f := range files {
		if _, err := os.Stat(strings.TrimSuffix(f, ".env") + ".argv"); err != nil {
			break
		}
		b, err := os.ReadFile(f)
		if err != nil {
			break
		}
		_, reason, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".env"), "-")
		lines := goldenLines(string(b))
		if reason == "" && slices.Contains(lines, "REASON=NBI") {
			reason = "NBI"
		}
		out = append(out, goldenDump{file: f, reason: reason, lines: lines})
	}
	return out
}

// goldenReadGoldenEnv reads env/<scenario>/NN-REASON.sorted.
func goldenReadGoldenEnv(t *testing.T, scenario string) []goldenDump {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "env", scenario, "*.sorted"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden environments for %s", scenario)
	}
	slices.Sort(files)
	var out []goldenDump
	for _, f := range files {
		_, rest, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".sorted"), "-")
		reason, _, _ := strings.Cut(rest, "-") // 01-PREINIT-for-missing-interface
		out = append(out, goldenDump{file: f, reason: reason, lines: goldenLines(goldenRead(t, f))})
	}
	return out
}

func goldenRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func goldenFile(t *testing.T, rel string) string {
	t.Helper()
	return goldenRead(t, filepath.Join(goldenDir, rel))
}
