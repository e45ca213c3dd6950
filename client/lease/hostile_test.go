package lease

import (
	"strings"
	"testing"
)

const goodBlock = `lease {
  interface "eth0";
  fixed-address 192.0.2.7;
  option subnet-mask 255.255.255.0;
  expire never;
}
`

// TestParseHostile feeds damaged and hostile lease files: each must give
// the listed error, drop what is broken and keep the good block after it.
func TestParseHostile(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		errSub string // in the first error
		leases int    // blocks kept, the good one included
	}{
		{"garbage at top level", "garbage here;\n" + goodBlock, "line 1: Corrupt lease file - possible data loss!", 1},
		{"cut in the middle", goodBlock + "lease {\n  interface \"eth0\";\n  fixed-addr", "line 9: expecting lease declaration.", 1},
		{"cut after a statement", goodBlock + "lease {\n  interface \"eth0\";\n", "unterminated lease declaration.", 1},
		{"garbage before block without semicolon", "garbage\n" + goodBlock, "Corrupt lease file", 1},
		{"bad address", "lease { interface \"eth0\"; fixed-address 300.1.1.1; }\n" + goodBlock, "expecting IPv4 address.", 1},
		{"ipv6 address", "lease { interface \"eth0\"; fixed-address 2001:db8::1; }\n" + goodBlock, "expecting IPv4 address.", 1},
		{"bad date", "lease { interface \"eth0\"; fixed-address 192.0.2.1; expire 0 2026/13/01 00:00:00; }\n" + goodBlock, "13: bad date field.", 1},
		{"bad day", "lease { interface \"eth0\"; fixed-address 192.0.2.1; expire 0 2026/02/30 00:00:00; }\n" + goodBlock, "day 30 is out of range.", 1},
		{"huge epoch", "lease { interface \"eth0\"; fixed-address 192.0.2.1; expire epoch 99999999999999999999; }\n" + goodBlock, "bad epoch value.", 1},
		{"unknown statement", "lease { interface \"eth0\"; fixed-address 192.0.2.1; frobnicate 1; }\n" + goodBlock, "expecting lease declaration.", 1},
		{"unknown option kept lease", "lease { interface \"eth0\"; fixed-address 192.0.2.1; option no-such-opt 1; expire never; }\n" + goodBlock, "no option named no-such-opt in space dhcp", 2},
		{"bad option value kept lease", "lease { interface \"eth0\"; fixed-address 192.0.2.1; option subnet-mask \"x\"; expire never; }\n" + goodBlock, "bad value", 2},
		{"unterminated string", goodBlock + "lease { interface \"eth0", "eof in string constant", 1},
		{"no interface dropped silently", "lease { fixed-address 192.0.2.1; }\n" + goodBlock, "", 1},
		{"lone closing brace", "}\n" + goodBlock, "Corrupt lease file", 1},
		{"nested braces", "lease { { } }\n" + goodBlock, "expecting lease declaration.", 1},
		{"short duid", "default-duid \"ab\";\n" + goodBlock, "Invalid DUID contents.", 1},
		{"lease6 ignored", "lease6 { ia-na 1:2:3:4 { } }\n" + goodBlock, "DHCPv6 lease ignored.", 1},
		{"nul bytes", "\x00\x00;\n" + goodBlock, "Corrupt lease file", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := Parse(strings.NewReader(tt.text), "h.leases", testCatalogue(t))
			if tt.errSub == "" && len(errs) != 0 {
				t.Errorf("unexpected errors %v", errs)
			}
			if tt.errSub != "" && (len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.errSub)) {
				t.Errorf("errors %v, want first containing %q", errs, tt.errSub)
			}
			if len(f.Leases) != tt.leases {
				t.Errorf("got %d leases, want %d", len(f.Leases), tt.leases)
			}
		})
	}
}
