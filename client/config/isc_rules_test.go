package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
)

// ISC takes a bare identifier for a text value (common/parse.c
// parse_option_token): send host-name myhost; sends "myhost".
func TestBareTextValue(t *testing.T) {
	c, ds := Parse(strings.NewReader("send host-name myhost;\nsupersede domain-name bare-name;\n"), "dhclient.conf")
	noDiags(t, ds, 0)
	if len(c.Global.Send) != 1 || string(c.Global.Send[0].Data) != "myhost" {
		t.Errorf("send: %+v, want host-name myhost", c.Global.Send)
	}
	if d := modifier(c.Global, statemachine.Supersede, 15); string(d) != "bare-name" {
		t.Errorf("supersede domain-name %q, want bare-name", d)
	}
}

// reject 0.0.0.0/0 would reject every server: ISC refuses it with this
// message (client/clparse.c parse_reject_statement), and the rest of the
// statement's list goes with it.
func TestRejectZeroPrefix(t *testing.T) {
	c, ds := Parse(strings.NewReader("reject 192.0.2.1;\nreject 0.0.0.0/0, 198.51.100.7;\n"), "dhclient.conf")
	if len(ds) != 1 || ds[0].Line != 2 || !strings.Contains(ds[0].Message, "zero-length prefix is not permitted") {
		t.Errorf("diagnostics %v, want ISC's error at line 2", ds)
	}
	if want := []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}; len(c.Global.Reject) != 1 || c.Global.Reject[0] != want[0] {
		t.Errorf("reject %v, want %v", c.Global.Reject, want)
	}
}

// A block ISC's dhclient.conf parser does not know, such as the lease6 { }
// some tools append, is skipped whole, with the statement after it as
// ISC's parse_semi skips it: what the block holds never reaches the file's
// settings.
func TestUnknownBlockSkippedWhole(t *testing.T) {
	c, ds := Parse(strings.NewReader("lease6 {\n  interface \"eth0\";\n  timeout 5;\n  retry 9;\n}\nretry 7;\nselect-timeout 2;\n"), "dhclient.conf")
	if len(ds) == 0 {
		t.Error("no error for the block")
	}
	if c.Global.Timeout == 5*time.Second || c.Global.Retry == 9*time.Second || c.Global.Retry == 7*time.Second {
		t.Errorf("timeout %v, retry %v: the block's statements or the one swallowed after it were read", c.Global.Timeout, c.Global.Retry)
	}
	if c.Global.SelectTimeout != 2*time.Second {
		t.Errorf("select-timeout %v, want 2s: the statements after are read", c.Global.SelectTimeout)
	}
}

// Fallback leases are tried as ISC tries them: the last declared first,
// and an earlier block for the same interface and address dropped.
func TestFallbackLeasesInISCOrder(t *testing.T) {
	block := func(addr, router string) string {
		return "lease {\n  interface \"eth0\";\n  fixed-address " + addr + ";\n  option routers " + router + ";\n  expire never;\n}\n"
	}
	c, ds := Parse(strings.NewReader(block("10.0.0.10", "10.0.0.1")+block("10.0.0.30", "10.0.0.1")+block("10.0.0.10", "10.0.0.2")), "dhclient.conf")
	noDiags(t, ds, 0)
	var got []string
	for _, e := range c.Fallback {
		r, _ := e.Lease.Options.Addr(3)
		got = append(got, e.Lease.Addr.String()+" via "+r.String())
	}
	if want := []string{"10.0.0.10 via 10.0.0.2", "10.0.0.30 via 10.0.0.1"}; !slices.Equal(got, want) {
		t.Errorf("fallback leases %q, want %q", got, want)
	}
}
