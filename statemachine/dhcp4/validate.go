package dhcp4

import "strings"

// CheckValue reports whether the formatted value of option code may be
// exported to a hook (ISC check_option_values, reference §3.5): host-name,
// nis-domain and netbios-scope must be one domain name, domain-name and
// domain-search a space-separated list of names (the Debian build accepts
// a list in domain-name), root-path a path of safe characters. Every other
// option passes; its text is already escaped by the formatter. The check is
// by code, whatever name a custom definition gives the code.
func CheckValue(code uint8, value string) bool {
	switch code {
	case OptHostName, OptNISDomain, OptNetBIOSScope:
		return ValidDomainName(value)
	case OptDomainName, OptDomainSearch:
		return ValidDomainList(value)
	case OptRootPath:
		return ValidPath(value)
	case OptCaptivePortal:
		return ValidPortalURI(value)
	}
	return true
}

// CaptiveUnrestricted is the value of option 114 that says the network
// has no captive portal (RFC 8910 §2).
const CaptiveUnrestricted = "urn:ietf:params:capport:unrestricted"

// portalChars are the characters besides letters and digits that a
// captive portal URI may hold: RFC 3986's, less the quotes, parentheses, "&",
// "$", ";", "!", "*" and the backslash, which a shell would act on.
const portalChars = "-._~:/?#[]@%+,="

// ValidPortalURI reports whether s is acceptable as option 114 (RFC 8910
// §2): CaptiveUnrestricted, or an https URI with a host, at most 2048
// characters of letters, digits and portalChars. The API is reached over
// TLS only (RFC 8908 §4), so anything else is a spoof or a mistake.
func ValidPortalURI(s string) bool {
	if s == CaptiveUnrestricted {
		return true
	}
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok || len(s) > 2048 {
		return false
	}
	host, _, _ := strings.Cut(rest, "/")
	if host == "" || host[0] == ':' || host[0] == '@' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(portalChars, c) < 0 {
			return false
		}
	}
	return true
}

// ValidDomainName reports whether s is one domain name as ISC's
// check_domain_name accepts it (reference §3.5): 1 to 256 characters;
// labels of letters, digits, "-" and "_", where "-" and "_" neither start
// nor end a label; labels followed by a dot 1 to 63 characters long; one
// trailing dot allowed. As in C, s ends at its first NUL, so this also
// checks the BOOTP sname field.
func ValidDomainName(s string) bool {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	label := 0 // start of the current label
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '-' || c == '_':
			if i == label || i == len(s)-1 || s[i+1] == '.' {
				return false
			}
		case c == '.':
			if n := i - label; n == 0 || n > 63 {
				return false
			}
			label = i + 1
		case !isAlnum(c):
			return false
		}
	}
	return true
}

// ValidDomainList reports whether s is a list of domain names separated
// by spaces, with at least one name (ISC check_domain_name_list).
func ValidDomainList(s string) bool {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	names := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' })
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		if !ValidDomainName(n) {
			return false
		}
	}
	return true
}

// pathChars are the characters besides letters and digits that ISC
// allows in root-path and the BOOTP file field (reference §3.5).
const pathChars = "#%+-_:.,@~\\/[]= "

// ValidPath reports whether s is acceptable as root-path or the BOOTP
// file field: not empty, and only letters, digits and the characters
// # % + - _ : . , @ ~ \ / [ ] = and space (reference §3.5).
func ValidPath(s string) bool {
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(pathChars, c) < 0 {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
