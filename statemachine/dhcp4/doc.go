// Package dhcp4 is the DHCPv4 wire format: messages (RFC 2131 §2), options
// in wire order with RFC 3396 concatenation and option 52 overload, the ISC
// dhclient option catalogue and type system, and ISC's text formats for
// hook environments and lease files.
//
// The package uses only the standard library, never logs and never panics
// on input: every parser is fuzzed.
package dhcp4
