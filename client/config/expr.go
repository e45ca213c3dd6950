package config

import (
	"bytes"
	"encoding/binary"
	"net"
	"slices"
	"strconv"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine"
)

// DataExpr is an ISC data expression (dhcp-eval(5)) on the right of a
// send statement's '=', built from the functions a client can evaluate:
//
//	send dhcp-client-identifier = concat(00, hardware);
//	send host-name = concat(gethostname(), "-eth1");
//	send user-class = ucase(substring(gethostname(), 0, 8));
//
// The daemon evaluates it for each interface (Eval) when it builds the
// interface's settings, with the host name it started with; the plain
// `= gethostname()` form follows the name at each send (ExprHostname).
type DataExpr struct {
	Op   DataOp
	Args []DataExpr // concat's operands; the one operand of the others
	Data []byte     // DataConst's value
	// Num holds substring's offset and length, suffix's length, and
	// encode-int's value and width in bits.
	Num [2]int64
}

// DataOp is a DataExpr's function.
type DataOp uint8

// The functions of DataExpr.
const (
	DataConst     DataOp = iota // a string or colon-separated hex bytes
	DataHostname                // gethostname()
	DataHardware                // hardware: the hardware type, then the address
	DataConcat                  // concat(E, E, ...)
	DataSubstring               // substring(E, offset, length)
	DataSuffix                  // suffix(E, length)
	DataLcase                   // lcase(E)
	DataUcase                   // ucase(E)
	DataEncodeInt               // encode-int(N, 8|16|32): N big-endian
)

// dataFuncs are the names of the DataExpr functions that take
// arguments, with their arguments in order: E a data expression, N a
// number, S a number that may be negative, * as many more of the kind
// before it as follow, each after a comma.
var dataFuncs = map[string]struct {
	op   DataOp
	args string
}{
	"concat": {DataConcat, "EE*"}, "substring": {DataSubstring, "ENN"}, "suffix": {DataSuffix, "EN"},
	"lcase": {DataLcase, "E"}, "ucase": {DataUcase, "E"}, "encode-int": {DataEncodeInt, "SN"},
}

// isDataFunc reports whether t names a function of dataFuncs.
func isDataFunc(t isctext.Token) bool {
	_, ok := dataFuncs[keyword(t)]
	return ok
}

// Eval evaluates e for an interface with hardware address hw on a host
// named hostname. ok is false when a part has no value, as gethostname()
// on a host without a name (statemachine.HasHostname): ISC then sends
// nothing, and neither does the daemon.
func (e DataExpr) Eval(hw net.HardwareAddr, hostname string) (data []byte, ok bool) {
	switch e.Op {
	case DataConst:
		return e.Data, true
	case DataHostname:
		if !statemachine.HasHostname(hostname) {
			return nil, false
		}
		return []byte(hostname), true
	case DataHardware:
		return statemachine.HardwareClientID(hw), true
	case DataEncodeInt:
		return encodeInt(e.Num[0], e.Num[1]), true
	case DataConcat:
		var out []byte
		for _, a := range e.Args {
			d, ok := a.Eval(hw, hostname)
			if !ok {
				return nil, false
			}
			out = append(out, d...)
		}
		return out, true
	}
	d, ok := e.Args[0].Eval(hw, hostname)
	if !ok {
		return nil, false
	}
	switch e.Op {
	case DataSubstring: // an offset past the end leaves an empty value
		d = d[min(int64(len(d)), e.Num[0]):]
		return d[:min(int64(len(d)), e.Num[1])], true
	case DataSuffix:
		return d[int64(len(d))-min(int64(len(d)), e.Num[0]):], true
	case DataLcase:
		return bytes.ToLower(d), true
	case DataUcase:
		return bytes.ToUpper(d), true
	}
	return nil, false
}

// dynamic reports whether e's value depends on the interface or the host
// name, so that it cannot be evaluated once when the file is read.
func (e DataExpr) dynamic() bool {
	if e.Op == DataHostname || e.Op == DataHardware {
		return true
	}
	return slices.ContainsFunc(e.Args, DataExpr.dynamic)
}

// encodeInt is v's low width bits, big-endian (network order).
func encodeInt(v, width int64) []byte {
	switch width {
	case 8:
		return []byte{byte(v)}
	case 16:
		return binary.BigEndian.AppendUint16(nil, uint16(v))
	}
	return binary.BigEndian.AppendUint32(nil, uint32(v))
}

// dataExpr reads one data expression: a function of dataFuncs,
// gethostname(), hardware, a quoted string or colon-separated hex
// bytes. It reports errors itself and returns false on the first.
func (fp *fileParser) dataExpr() (DataExpr, bool) {
	s := fp.s
	t, ok := fp.exprToken("a data expression")
	if !ok {
		return DataExpr{}, false
	}
	switch {
	case t.Kind == isctext.String:
		return DataExpr{Op: DataConst, Data: []byte(t.Text)}, true
	case keyword(t) == "gethostname":
		if !fp.exprPunct('(', "gethostname()") || !fp.exprPunct(')', "gethostname()") {
			return DataExpr{}, false
		}
		return DataExpr{Op: DataHostname}, true
	case keyword(t) == "hardware":
		return DataExpr{Op: DataHardware}, true
	case isDataFunc(t):
		return fp.dataCall(t)
	case t.IsHex():
		return fp.colonHex(t)
	}
	s.Errorf(t, "expecting a data expression.")
	return DataExpr{}, false
}

// exprToken consumes and returns the next token of an expression; at
// the end of the statement (';', a brace or the end of the file) it
// reports that what was expecting is missing and consumes nothing, so
// that the statements after it still count.
func (fp *fileParser) exprToken(expecting string) (isctext.Token, bool) {
	s := fp.s
	t := s.Peek()
	if t.Kind == isctext.EOF || t.Is(';') || t.Is('{') || t.Is('}') {
		s.Errorf(t, "expecting %s.", expecting)
		return t, false
	}
	return s.Next(), true
}

// exprPunct consumes the punctuation c of an expression, or reports
// expecting and consumes nothing.
func (fp *fileParser) exprPunct(c byte, expecting string) bool {
	s := fp.s
	if t := s.Peek(); !t.Is(c) {
		s.Errorf(t, "expecting %s.", expecting)
		return false
	}
	s.Next()
	return true
}

// dataCall reads the arguments of the function named by t, whose name
// has been read.
func (fp *fileParser) dataCall(t isctext.Token) (DataExpr, bool) {
	s := fp.s
	name := keyword(t)
	f := dataFuncs[name]
	if !fp.exprPunct('(', "( after "+name) {
		return DataExpr{}, false
	}
	e := DataExpr{Op: f.op}
	nums := 0
	arg := func(kind byte) bool {
		if kind == 'E' {
			a, ok := fp.dataExpr()
			e.Args = append(e.Args, a)
			return ok
		}
		n, ok := fp.exprNumber(kind == 'S')
		e.Num[nums], nums = n, nums+1
		return ok
	}
	for i := range len(f.args) {
		if f.args[i] == '*' {
			for s.Peek().Is(',') {
				s.Next()
				if !arg(f.args[i-1]) {
					return DataExpr{}, false
				}
			}
			continue
		}
		if i > 0 && !fp.exprPunct(',', ", in "+name) || !arg(f.args[i]) {
			return DataExpr{}, false
		}
	}
	if w := e.Num[1]; f.op == DataEncodeInt && w != 8 && w != 16 && w != 32 {
		s.Errorf(t, "encode-int width must be 8, 16 or 32.")
		return DataExpr{}, false
	}
	if !fp.exprPunct(')', ") to close "+name) {
		return DataExpr{}, false
	}
	return e, true
}

// exprNumber reads a decimal number argument, negative only when signed.
func (fp *fileParser) exprNumber(signed bool) (int64, bool) {
	s := fp.s
	t, ok := fp.exprToken("a number")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(t.Text, 10, 64)
	if !t.IsNumber() || err != nil || n < 0 && !signed {
		s.Errorf(t, "expecting a number.")
		return 0, false
	}
	return n, true
}

// colonHex reads hex bytes separated by ':' from their first, t: 00,
// 1:2:3, ff:00 (ISC parse_cshl). A single number is one byte.
func (fp *fileParser) colonHex(t isctext.Token) (DataExpr, bool) {
	s := fp.s
	var out []byte
	for {
		b, err := strconv.ParseUint(t.Text, 16, 8)
		if err != nil {
			s.Errorf(t, "expecting hex bytes: %s is not a byte.", t.Text)
			return DataExpr{}, false
		}
		out = append(out, byte(b))
		if !s.Peek().Is(':') {
			return DataExpr{Op: DataConst, Data: out}, true
		}
		s.Next()
		var ok bool
		if t, ok = fp.exprToken("a hex byte after :"); !ok {
			return DataExpr{}, false
		}
		if !t.IsHex() {
			s.Errorf(t, "expecting a hex byte after :.")
			return DataExpr{}, false
		}
	}
}

// sendExpr is what a send statement whose value is e sends, evaluated
// now when it can be.
func sendExpr(e DataExpr) SendOption {
	if !e.dynamic() {
		data, _ := e.Eval(nil, "")
		return SendOption{Data: data}
	}
	return SendOption{Expr: ExprData, Eval: &e}
}
