package hooks

import (
	"bufio"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// This file reads the captured ISC dhclient 4.4.3 inputs in
// testdata/golden (copied from reference/isc-golden): the dhclient.conf
// files and lease files, so the environment tests start from exactly the
// leases, definitions and request lists the golden runs had.

// conf is what the environment depends on in a dhclient.conf.
type conf struct {
	cat    *dhcp4.Catalogue
	prl    []uint8
	alias  *statemachine.Lease
	leases []*statemachine.Lease // lease {} blocks
}

// iscDefaultPRL is ISC dhclient's request list when dhclient.conf has no
// request statement (clparse.c: subnet-mask, broadcast-address,
// time-offset, routers, domain-name, domain-name-servers, host-name).
var iscDefaultPRL = []uint8{1, 28, 2, 3, 15, 6, 12}

var optionDef = regexp.MustCompile(`^option ([a-z0-9-]+) code ([0-9]+) = (.*)$`)

// readConf parses the statements of a golden dhclient.conf that matter
// here: option definitions, request and also request, alias and lease.
func readConf(t *testing.T, path string) conf {
	t.Helper()
	c := conf{cat: dhcp4.NewCatalogue()}
	requested := false
	for _, st := range statements(t, path) {
		switch {
		case optionDef.MatchString(st):
			m := optionDef.FindStringSubmatch(st)
			code, _ := strconv.Atoi(m[2])
			typ, err := dhcp4.ParseType(m[3])
			if err != nil {
				t.Fatalf("%s: %s: %v", path, st, err)
			}
			c.cat.Define(dhcp4.Def{Name: m[1], Code: uint8(code), Type: typ})
		case strings.HasPrefix(st, "request "):
			c.prl, requested = c.requestList(t, st, "request "), true
		case strings.HasPrefix(st, "also request "):
			c.prl = append(c.prl, c.requestList(t, st, "also request ")...)
		case strings.HasPrefix(st, "alias {"):
			c.alias = leaseBlock(t, c.cat, st)
		case strings.HasPrefix(st, "lease {"):
			c.leases = append(c.leases, leaseBlock(t, c.cat, st))
		}
	}
	if !requested {
		c.prl = slices.Concat(iscDefaultPRL, c.prl)
	}
	return c
}

// requestList maps option names to codes; dhcp6.* entries give no
// requested_* variable (reference §3.3) and are skipped.
func (c conf) requestList(t *testing.T, st, prefix string) []uint8 {
	var prl []uint8
	for _, name := range strings.Split(strings.TrimPrefix(st, prefix), ",") {
		name = strings.TrimSpace(name)
		if strings.HasPrefix(name, "dhcp6.") {
			continue
		}
		d, ok := c.cat.ByName(name)
		if !ok {
			t.Fatalf("request of unknown option %q", name)
		}
		prl = append(prl, d.Code)
	}
	return prl
}

// statements splits a conf or lease file into top-level statements, a
// block ("lease { ... }") being one statement whose body keeps its lines.
func statements(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var cur []string
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cur = append(cur, line)
		switch {
		case strings.HasSuffix(line, "{"):
			inBlock = true
		case inBlock && line == "}":
			out, cur, inBlock = append(out, strings.Join(cur, "\n")), nil, false
		case !inBlock && strings.HasSuffix(line, ";"):
			out, cur = append(out, strings.TrimSuffix(strings.Join(cur, " "), ";")), nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// leaseBlock builds a Lease from the lines of a lease {} or alias {}
// block as ISC writes them (reference §5.1).
func leaseBlock(t *testing.T, cat *dhcp4.Catalogue, block string) *statemachine.Lease {
	t.Helper()
	l := &statemachine.Lease{}
	lines := strings.Split(block, "\n")
	for _, line := range lines[1 : len(lines)-1] {
		kw, val, _ := strings.Cut(strings.TrimSuffix(line, ";"), " ")
		switch kw {
		case "fixed-address":
			l.Addr = netip.MustParseAddr(val)
		case "filename":
			l.Filename = strings.Trim(val, `"`)
		case "server-name":
			l.ServerName = strings.Trim(val, `"`)
		case "option":
			name, text, _ := strings.Cut(val, " ")
			d, ok := cat.ByName(name)
			if !ok {
				t.Fatalf("unknown option %q", name)
			}
			data, err := cat.ParseValue(d.Code, text)
			if err != nil {
				t.Fatalf("option %s %s: %v", name, text, err)
			}
			l.Options = append(l.Options, dhcp4.Option{Code: d.Code, Data: data})
		case "renew":
			l.Renew = leaseTime(t, val)
		case "rebind":
			l.Rebind = leaseTime(t, val)
		case "expire":
			l.Expire = leaseTime(t, val)
		}
	}
	return l
}

// leaseTime parses ISC's default "W YYYY/MM/DD HH:MM:SS" (UTC).
func leaseTime(t *testing.T, s string) time.Time {
	t.Helper()
	_, rest, _ := strings.Cut(s, " ")
	tm, err := time.Parse("2006/1/2 15:04:05", rest)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// readLeases returns the lease blocks of a golden lease file, oldest first.
func readLeases(t *testing.T, path string, cat *dhcp4.Catalogue) []*statemachine.Lease {
	t.Helper()
	var out []*statemachine.Lease
	for _, st := range statements(t, path) {
		if strings.HasPrefix(st, "lease {") {
			out = append(out, leaseBlock(t, cat, st))
		}
	}
	return out
}
