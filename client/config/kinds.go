package config

import (
	"math"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/client/internal/isctext"
)

// The kinds of value a setting may hold: how each is read after a
// dhclient.conf statement's name and from a YAML value.

// seconds is a duration in whole seconds: `timeout 30;`, `timeout: 30`
// (ISC parse_lease_time).
var seconds = kind[time.Duration]{
	conf: func(fp *fileParser, _ string) (time.Duration, bool) { return fp.seconds() },
	yaml: func(y *yamlParser, n *yaml.Node, _ string) (time.Duration, bool) {
		var v uint32
		ok := y.decode(n, &v)
		return time.Duration(v) * time.Second, ok
	},
}

// number is a non-negative number below 2^31: `route-metric 100;`.
var number = kind[int]{
	conf: func(fp *fileParser, name string) (int, bool) {
		s := fp.s
		t := s.Next()
		n, err := strconv.ParseUint(t.Text, 10, 31)
		if !t.IsNumber() || err != nil {
			s.Errorf(t, "expecting a %s number.", strings.ReplaceAll(name, "-", " "))
			skipRest(s, t)
			return 0, false
		}
		return int(n), s.ExpectSemi()
	},
	yaml: func(y *yamlParser, n *yaml.Node, name string) (int, bool) {
		var v uint32
		if !y.decode(n, &v) {
			return 0, false
		}
		if v > math.MaxInt32 {
			y.nodeError(n, "%s: expecting a number below 2^31, got %d", name, v)
			return 0, false
		}
		return int(v), true
	},
}

// text is a string: `script "/etc/x";`, `script: /etc/x`.
var text = kind[string]{
	conf: func(fp *fileParser, _ string) (string, bool) { return fp.str() },
	yaml: func(y *yamlParser, n *yaml.Node, _ string) (string, bool) {
		var v string
		ok := y.decode(n, &v)
		return v, ok
	},
}

// flag is on or off: `set-mtu off;` (also true/false), `set-mtu: false`.
var flag = kind[bool]{
	conf: func(fp *fileParser, _ string) (bool, bool) {
		v, ok := fp.word("on", "off", "true", "false")
		return v == "on" || v == "true", ok
	},
	yaml: func(y *yamlParser, n *yaml.Node, _ string) (bool, bool) {
		var v bool
		ok := y.decode(n, &v)
		return v, ok
	},
}

// choice is one of the allowed words: `arp-check fast;`.
func choice[T ~string](allowed ...T) kind[T] {
	words := make([]string, len(allowed))
	for i, a := range allowed {
		words[i] = string(a)
	}
	return kind[T]{
		conf: func(fp *fileParser, _ string) (T, bool) {
			v, ok := fp.word(words...)
			return T(v), ok
		},
		yaml: func(y *yamlParser, n *yaml.Node, name string) (T, bool) {
			var v string
			if !y.decode(n, &v) {
				return "", false
			}
			if !slices.Contains(words, v) {
				y.nodeError(n, "%s: expecting one of %v, got %q", name, words, v)
				return "", false
			}
			return T(v), true
		},
	}
}

// hardware is `hardware ethernet XX:XX:...;`, `hardware: ethernet XX:XX:...`.
var hardware = kind[net.HardwareAddr]{
	conf: func(fp *fileParser, _ string) (net.HardwareAddr, bool) { return fp.hardware() },
	yaml: func(y *yamlParser, n *yaml.Node, name string) (net.HardwareAddr, bool) {
		var v string
		if !y.decode(n, &v) {
			return nil, false
		}
		f := strings.Fields(v)
		if len(f) == 2 && f[0] == "ethernet" {
			if a, err := net.ParseMAC(f[1]); err == nil {
				return a, true
			}
		}
		y.nodeError(n, "%s: expecting \"ethernet XX:XX:XX:XX:XX:XX\", got %q", name, v)
		return nil, false
	},
	clone: slices.Clone[net.HardwareAddr],
}

// unicastAddr is one IPv4 address a host can hold: `inform 192.0.2.10;`,
// `inform: 192.0.2.10`.
var unicastAddr = kind[netip.Addr]{
	conf: func(fp *fileParser, name string) (netip.Addr, bool) {
		s := fp.s
		first := s.Peek()
		var b strings.Builder // the lexer splits an address at its dots
		for !s.Peek().Is(';') && s.Peek().Kind != isctext.EOF && b.Len() < 64 {
			b.WriteString(s.Next().Text)
		}
		a, ok := parseUnicast(b.String())
		if !ok {
			s.Errorf(first, "expecting an IPv4 address.")
			s.SkipToSemi()
			return netip.Addr{}, false
		}
		return a, s.ExpectSemi()
	},
	yaml: func(y *yamlParser, n *yaml.Node, name string) (netip.Addr, bool) {
		var v string
		if !y.decode(n, &v) {
			return netip.Addr{}, false
		}
		a, ok := parseUnicast(v)
		if !ok {
			y.nodeError(n, "%s: expecting an IPv4 address, got %q", name, v)
		}
		return a, ok
	},
}

// parseUnicast reads an IPv4 address that is not unspecified, loopback,
// multicast or the broadcast address.
func parseUnicast(text string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(text)
	if err != nil || !a.Is4() || a.IsUnspecified() || a.IsMulticast() || a.IsLoopback() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return netip.Addr{}, false
	}
	return a, true
}

// requestList and requireList are lists of option names: `request
// subnet-mask, routers;`, `request: [subnet-mask, routers]`; `also
// request NAME;` adds to the list in force (optionStatement). `require
// authentication;` is ISC's authentication policy statement, ignored.
var (
	requestList = optionList(false)
	requireList = optionList(true)
)

func optionList(authPolicy bool) kind[[]uint8] {
	return kind[[]uint8]{
		conf: func(fp *fileParser, _ string) ([]uint8, bool) {
			if authPolicy && keyword(fp.s.Peek()) == "authentication" {
				fp.s.Warnf(fp.stmt, "bootp/authentication policy ignored.")
				fp.s.SkipToSemi()
				return nil, false
			}
			return fp.optionList()
		},
		yaml: func(y *yamlParser, n *yaml.Node, name string) ([]uint8, bool) {
			var v []string
			if !y.decode(n, &v) {
				return nil, false
			}
			return y.names(v, name), true
		},
		clone: slices.Clone[[]uint8],
	}
}
