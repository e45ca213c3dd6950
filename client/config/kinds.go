package config

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
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
	yaml: func(y *yamlParser, n *yaml.Node, _ string) (int, bool) {
		var v uint32
		ok := y.decode(n, &v)
		return int(v), ok
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
