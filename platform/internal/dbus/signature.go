package dbus

import (
	"strings"
	"unicode/utf8"
)

// Validation of the D-Bus wire strings (D-Bus Specification, "Valid
// Object Paths", "Valid Signatures", "Marshaling (Wire Format)").

// Container nesting limits (D-Bus Specification, "Valid Signatures").
const maxContainerDepth = 32

// validString reports whether s may travel as a D-Bus string: UTF-8
// without a NUL, which would end it early on the wire.
func validString(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// validObjectPath reports whether p is "/" or a slash-separated list of
// non-empty elements of [A-Za-z0-9_].
func validObjectPath(p string) bool {
	if p == "/" {
		return true
	}
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	for _, elem := range strings.Split(p[1:], "/") {
		if elem == "" || strings.IndexFunc(elem, notPathChar) >= 0 {
			return false
		}
	}
	return true
}

func notPathChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
}

// validSignature reports whether s is a list of complete types no longer
// than 255 bytes.
func validSignature(s string) bool {
	if len(s) > maxSignatureLen {
		return false
	}
	for i := 0; i < len(s); {
		next, ok := completeType(s, i, 0, 0)
		if !ok {
			return false
		}
		i = next
	}
	return true
}

// isBasicType reports whether c is the code of a basic (non-container)
// type, the only kind a dict entry's key may have.
func isBasicType(c byte) bool { return strings.IndexByte("ybnqiuxtdsogh", c) >= 0 }

// completeType returns the end of the single complete type starting at
// s[i], given the arrays and structs it is nested in.
func completeType(s string, i, arrays, structs int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	switch c := s[i]; {
	case isBasicType(c) || c == 'v':
		return i + 1, true
	case c == 'a':
		if arrays == maxContainerDepth {
			return 0, false
		}
		if i+1 < len(s) && s[i+1] == '{' {
			return dictEntry(s, i+1, arrays+1, structs)
		}
		return completeType(s, i+1, arrays+1, structs)
	case c == '(':
		return structType(s, i, arrays, structs)
	}
	return 0, false
}

// structType returns the end of the struct "(...)" at s[i], which holds
// at least one complete type.
func structType(s string, i, arrays, structs int) (int, bool) {
	if structs == maxContainerDepth {
		return 0, false
	}
	i++
	for first := true; ; first = false {
		if i < len(s) && s[i] == ')' && !first {
			return i + 1, true
		}
		next, ok := completeType(s, i, arrays, structs+1)
		if !ok {
			return 0, false
		}
		i = next
	}
}

// dictEntry returns the end of the dict entry "{kv}" at s[i], which must
// follow an 'a': a basic key type and one complete value type.
func dictEntry(s string, i, arrays, structs int) (int, bool) {
	if structs == maxContainerDepth || i+1 >= len(s) || !isBasicType(s[i+1]) {
		return 0, false
	}
	end, ok := completeType(s, i+2, arrays, structs+1)
	if !ok || end >= len(s) || s[end] != '}' {
		return 0, false
	}
	return end + 1, true
}
