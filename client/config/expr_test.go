package config

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// Send statements whose value is a data expression, evaluated for an
// interface and a host name as ISC's evaluate_data_expression does.
func TestDataExpr(t *testing.T) {
	hw := net.HardwareAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}
	for _, tc := range []struct {
		line     string
		hostname string
		want     []byte // nil: nothing sent
	}{
		// The RHEL-style client identifier: a zero byte, then hardware.
		{`send dhcp-client-identifier = concat(00, hardware);`, "", []byte{0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56}},
		{`send host-name = concat(gethostname(), "-eth1");`, "web", []byte("web-eth1")},
		{`send host-name = concat(gethostname(), "-eth1");`, "", nil},
		{`send host-name = concat(gethostname(), "-eth1");`, "(none)", nil},
		{`send user-class = concat("a", "b", "c", 2d:64);`, "", []byte("abc-d")},
		{`send user-class = ucase(substring(gethostname(), 0, 4));`, "router1", []byte("ROUT")},
		{`send user-class = substring("abcdef", 2, 100);`, "", []byte("cdef")},
		{`send user-class = substring("abc", 5, 1);`, "", []byte{}},
		{`send user-class = suffix(hardware, 3);`, "", []byte{0x12, 0x34, 0x56}},
		{`send user-class = suffix("ab", 5);`, "", []byte("ab")},
		{`send user-class = lcase("MiXeD");`, "", []byte("mixed")},
		{`send user-class = concat(encode-int(258, 16), encode-int(1, 8), encode-int(-1, 32));`, "",
			[]byte{1, 2, 1, 0xff, 0xff, 0xff, 0xff}},
	} {
		t.Run(tc.line+"/"+tc.hostname, func(t *testing.T) {
			c, ds := Parse(strings.NewReader(tc.line+"\n"), "dhclient.conf")
			noDiags(t, ds, 0)
			if len(c.Global.Send) != 1 {
				t.Fatalf("send: got %+v, want one option", c.Global.Send)
			}
			so := c.Global.Send[0]
			got, ok := so.Data, true
			if so.Expr == ExprData {
				got, ok = so.Eval.Eval(hw, tc.hostname)
			}
			if tc.want == nil {
				if ok {
					t.Errorf("got %q, want nothing sent", got)
				}
				return
			}
			if !ok || !bytes.Equal(got, tc.want) {
				t.Errorf("got %q (%v), want %q", got, ok, tc.want)
			}
		})
	}
}

// An expression of constants is evaluated once, as the file is read;
// one with gethostname() or hardware is left to each interface.
func TestDataExprConstantFolded(t *testing.T) {
	c, ds := Parse(strings.NewReader("send user-class = concat(\"a\", 62);\nsend host-name = concat(gethostname(), \"x\");\n"), "dhclient.conf")
	noDiags(t, ds, 0)
	if so := c.Global.Send[0]; so.Expr != ExprNone || string(so.Data) != "ab" {
		t.Errorf("constant expression: got %+v, want Data \"ab\"", so)
	}
	if so := c.Global.Send[1]; so.Expr != ExprData || so.Eval == nil {
		t.Errorf("host-name expression: got %+v, want ExprData", so)
	}
}

// A broken expression is an error at its line; the statement is dropped
// and the ones after it still count.
func TestDataExprErrors(t *testing.T) {
	for _, line := range []string{
		`send user-class = concat("a");`,
		`send user-class = concat("a", );`,
		`send user-class = concat "a", "b";`,
		`send user-class = concat("a", "b";`,
		`send user-class = substring("abc", 1);`,
		`send user-class = substring("abc", -1, 2);`,
		`send user-class = suffix("abc", x);`,
		`send user-class = encode-int(5, 24);`,
		`send user-class = ucase(gethostname);`,
		`send user-class = concat(1:zz, "b");`,
		`send user-class = concat(100, "b");`,
		`send user-class = lcase(option host-name);`,
	} {
		t.Run(line, func(t *testing.T) { sendDropped(t, line) })
	}
}
