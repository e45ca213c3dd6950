package dhcp4

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// FormatEnv formats option data as ISC exports it to hooks
// (pretty_print_option without commas or quotes, reference §3.4): array
// items separated by spaces, text unquoted but escaped, domain lists with
// trailing dots. Empty data of a string or text type gives "" (ISC exports
// no variable for a zero-length option; the caller decides). Data too
// short for the option's type, where ISC prints "<error>", is an error
// wrapping ErrBadValue; bytes after the last whole item are left out, as
// ISC leaves them out. No value is longer than 32 KiB (ISC's
// MAX_OUTPUT_SIZE): a longer one is an ErrBadValue error too, except a
// domain list, which is cut after the last name that fits, as ISC cuts
// it, and returned together with an error wrapping ErrCut.
func (c *Catalogue) FormatEnv(code uint8, data []byte) (string, error) {
	return c.ByCode(code).Type.Env(data)
}

// FormatLease formats option data as ISC writes it in a lease file, the
// text that follows "option NAME " (pretty_print_option with commas and
// quotes, reference §3.4, §5.1): array items separated by commas, text and
// domain names quoted, a zero-length string or text as "". As in ISC a
// last NUL of text is not written, so "ABC\0" reads back as "ABC". Errors
// and limits are those of FormatEnv. For a zerolen type ISC writes no
// value at all (see Type.Zerolen).
func (c *Catalogue) FormatLease(code uint8, data []byte) (string, error) {
	return c.ByCode(code).Type.Lease(data)
}

// Env formats data of type t in the environment form of FormatEnv.
func (t Type) Env(data []byte) (string, error) {
	return t.pretty(data, false)
}

// Lease formats data of type t in the lease-file form of FormatLease.
func (t Type) Lease(data []byte) (string, error) {
	return t.pretty(data, true)
}

func (t Type) pretty(data []byte, quotes bool) (string, error) {
	s, err := pretty(t.Format(), data, quotes)
	if err != nil {
		return s, fmt.Errorf("format %s: %w", t, err) // s is set for ErrCut
	}
	return s, nil
}

// Zerolen reports whether t is ISC's zerolen type, whose options the
// lease file holds as "option NAME;" whatever their data (client/dhclient.c
// write_lease_option).
func (t Type) Zerolen() bool {
	return strings.HasPrefix(t.Format(), "Z")
}

// writeFixed writes one fixed-size value as ISC's pretty_print_option
// does; any non-zero boolean is true.
func writeFixed(b *strings.Builder, c byte, d []byte) {
	switch c {
	case 'f':
		b.WriteString(strconv.FormatBool(d[0] != 0))
	case 'b':
		b.WriteString(strconv.Itoa(int(int8(d[0]))))
	case 'B':
		b.WriteString(strconv.Itoa(int(d[0])))
	case 's':
		b.WriteString(strconv.Itoa(int(int16(binary.BigEndian.Uint16(d)))))
	case 'S':
		b.WriteString(strconv.Itoa(int(binary.BigEndian.Uint16(d))))
	case 'l':
		b.WriteString(strconv.Itoa(int(int32(binary.BigEndian.Uint32(d)))))
	case 'L', 'T':
		// ISC's 'T' means "infinite" for 0xffffffff, but its test
		// (unsigned long == -1) never holds where long has 64 bits: ISC
		// on Linux writes the number, and reads "infinite" back.
		b.WriteString(strconv.FormatUint(uint64(binary.BigEndian.Uint32(d)), 10))
	case 'I':
		b.WriteString(netip.AddrFrom4([4]byte(d)).String())
	case '6':
		b.WriteString(netip.AddrFrom16([16]byte(d)).String())
	}
}
