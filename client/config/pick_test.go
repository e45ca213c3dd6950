package config

import (
	"reflect"
	"strings"
	"testing"
)

// pick-first-value as ISC's example dhclient.conf and the guides that
// copy it write it: the host name, else a fixed one.
func TestPickFirstValue(t *testing.T) {
	for _, tc := range []struct {
		line string
		want SendOption
	}{
		{`send host-name = pick-first-value(gethostname(), "ISC-dhclient");`,
			SendOption{Code: 12, Expr: ExprHostname, Data: []byte("ISC-dhclient")}},
		{`send host-name = pick-first-value(gethostname());`, SendOption{Code: 12, Expr: ExprHostname}},
		{`send host-name = pick-first-value(gethostname(), "", "second");`,
			SendOption{Code: 12, Expr: ExprHostname, Data: []byte("second")}},
		// A value that is there wins over what follows it.
		{`send host-name = pick-first-value("fixed", gethostname());`, SendOption{Code: 12, Data: []byte("fixed")}},
		{`send dhcp-client-identifier = pick-first-value(hardware, "x");`, SendOption{Code: 61, Expr: ExprHardware}},
		{`send dhcp-client-identifier = pick-first-value(1:2:3:4, hardware);`, SendOption{Code: 61, Data: []byte{1, 2, 3, 4}}},
	} {
		t.Run(tc.line, func(t *testing.T) {
			c, ds := Parse(strings.NewReader(tc.line+"\n"), "dhclient.conf")
			noDiags(t, ds, 0)
			if len(c.Global.Send) != 1 || !reflect.DeepEqual(c.Global.Send[0], tc.want) {
				t.Errorf("send: got %+v, want %+v", c.Global.Send, tc.want)
			}
		})
	}
}

// A broken pick-first-value is an error at its line, and the statements
// after it still count.
func TestPickFirstValueErrors(t *testing.T) {
	for _, line := range []string{
		`send host-name = pick-first-value gethostname();`,
		`send host-name = pick-first-value(gethostname(), "x";`,
		`send host-name = pick-first-value(gethostname() "x");`,
		`send host-name = pick-first-value(gethostname(, "x");`,
		`send host-name = pick-first-value(gethostname(), 12:zz);`,
	} {
		t.Run(line, func(t *testing.T) { sendDropped(t, line) })
	}
}

// sendDropped checks that the broken send statement line, between two
// timeout statements, is an error at its line that sends nothing, and
// that the statement after it still counts.
func sendDropped(t *testing.T, line string) {
	t.Helper()
	c, ds := Parse(strings.NewReader("timeout 9;\n"+line+"\ntimeout 7;\n"), "dhclient.conf")
	if len(ds) == 0 || ds[0].Line != 2 {
		t.Errorf("diagnostics %v, want an error at line 2", ds)
	}
	if len(c.Global.Send) != 0 {
		t.Errorf("send: got %+v, want none", c.Global.Send)
	}
	if c.Global.Timeout.Seconds() != 7 {
		t.Errorf("timeout %v after the error, want 7s", c.Global.Timeout)
	}
}
