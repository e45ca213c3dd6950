package dhcp4

import (
	"strings"
	"testing"
)

// TestCheckValueHostile uses the values of reference §3.5: the hostile
// server's options, formatted as ISC formats them, then checked.
func TestCheckValueHostile(t *testing.T) {
	c := NewCatalogue()
	tests := []struct {
		code uint8
		raw  string
		ok   bool
	}{
		{OptHostName, "bad;name$(id)", false},
		{OptNetBIOSScope, "bad scope", false},
		{OptRootPath, "/srv/root;rm -rf", false},
		{OptDomainName, "a.test b.test", true},
		{OptNISDomain, "nis-dom.test", true},
		{OptHostName, "client-one", true},
		{OptRootPath, "/srv/root", true},
		{OptDomainSearch, "\x07example\x04test\x00\x04corp\xc0\x00", true},
		{OptDomainSearch, "\x04ba;d\x00", false},
		{OptDomainName, "ok.test $(reboot)", false},
		{OptCaptivePortal, "https://portal.example/capport?net=1&x=%41", false}, // ISC escapes &: never the URI
		{OptCaptivePortal, "https://portal.example/capport?net=1%26x", true},
		{OptCaptivePortal, CaptiveUnrestricted, true},
		{OptCaptivePortal, "https://portal.example/$(reboot)", false},
		{OptCaptivePortal, "https://portal.example/a b", false},
		{OptCaptivePortal, "https://portal.example/\x01", false},
		{251, "A long text option: spaces, quotes \" and ' , dollar $HOME", true}, // unchecked code
	}
	for _, tt := range tests {
		v, err := c.FormatEnv(tt.code, []byte(tt.raw))
		if err != nil {
			t.Fatal(err)
		}
		if got := CheckValue(tt.code, v); got != tt.ok {
			t.Errorf("CheckValue(%d, %q) = %v, want %v", tt.code, v, got, tt.ok)
		}
	}
}

func TestValidDomainName(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"client-one", true}, {"a.test.", true}, {"under_score.test", true}, {"1host", true},
		{"", false}, {".", false}, {"a..b", false}, {".a", false}, {"-a", false}, {"a-", false},
		{"a-.b", false}, {"_a", false}, {"a b", false}, {"bad$server", false}, {"a\\.b", false},
		{strings.Repeat("a", 63) + ".b", true}, {strings.Repeat("a", 64) + ".b", false},
		{strings.Repeat("a.", 128), true}, {strings.Repeat("a.", 128) + "b", false},
		{"ok\x00;bad", true}, // C string: stops at the NUL
	}
	for _, tt := range tests {
		if got := ValidDomainName(tt.in); got != tt.ok {
			t.Errorf("ValidDomainName(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestValidDomainList(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"a.test b.test", true}, {"example.test. corp.example.test.", true}, {" a.test  b ", true},
		{"", false}, {"   ", false}, {"a.test b;c", false}, {"a.test,b.test", false},
	}
	for _, tt := range tests {
		if got := ValidDomainList(tt.in); got != tt.ok {
			t.Errorf("ValidDomainList(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestValidPath(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"pxelinux.0", true}, {"/srv/tftp/boot file.bin", true}, {`C:\boot\[x]=a,b@c~d#e%f+g`, true},
		{"", false}, {"boot;file.bin", false}, {"a$b", false}, {"a|b", false}, {"a'b", false}, {"a\tb", false},
	}
	for _, tt := range tests {
		if got := ValidPath(tt.in); got != tt.ok {
			t.Errorf("ValidPath(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestValidPortalURI(t *testing.T) {
	for s, want := range map[string]bool{
		"https://portal.example/api":                     true,
		"https://[2001:db8::1]:8443/capport":             true,
		"https://portal.example":                         true,
		CaptiveUnrestricted:                              true,
		"http://portal.example/api":                      false, // RFC 8908 §4: TLS only
		"https:///path":                                  false,
		"https://@evil":                                  false,
		"https://portal.example/`id`":                    false,
		"https://portal.example/';reboot;'":              false,
		"https://portal.example/\"x\"":                   false,
		"javascript:alert(1)":                            false,
		"":                                               false,
		"https://p.example/" + strings.Repeat("a", 2048): false,
		"urn:ietf:params:capport:unrestricted2":          false,
	} {
		if got := ValidPortalURI(s); got != want {
			t.Errorf("ValidPortalURI(%q) = %v, want %v", s, got, want)
		}
	}
}
