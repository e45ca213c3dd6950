package lease

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// IDFormat is dhclient.conf's lease-id-format: how default-duid is
// written (reference §2.3).
type IDFormat uint8

// ID formats.
const (
	IDOctal IDFormat = iota // a quoted string, other than printable ASCII as \ooo
	IDHex                   // colon-separated two-digit hexadecimal
)

// String is the format's keyword in lease-id-format.
func (f IDFormat) String() string {
	if f == IDHex {
		return "hex"
	}
	return "octal"
}

// Format selects the writing styles of dhclient.conf's db-time-format
// and lease-id-format.
type Format struct {
	Time TimeFormat
	ID   IDFormat
}

// Write writes f in ISC dhclient's layout (client/dhclient.c
// write_client_lease, reference §5.1): the default DUID, then each lease
// block with two-space indentation. Option values come from cat. Fallback
// leases are never written, nor entries without a lease. An option whose
// data does not fit its type in cat is left out, since its text would not
// read back. Of several blocks of one interface for one address only the
// last is written, as ISC's rewrite_client_leases writes what its reader
// kept (see collapse). Local times of TimeLocal comments use
// time.Local.
func Write(w io.Writer, f *File, cat *dhcp4.Catalogue, format Format) error {
	c := *f
	c.Leases = collapse(f.Leases)
	return write(w, &c, cat, format, time.Local)
}

func write(w io.Writer, f *File, cat *dhcp4.Catalogue, format Format, loc *time.Location) error {
	bw := bufio.NewWriter(w)
	if len(f.DefaultDUID) > 0 {
		fmt.Fprintf(bw, "default-duid %s;\n", FormatDUID(f.DefaultDUID, format.ID))
	}
	for _, e := range f.Leases {
		if e.Lease == nil || e.Lease.Fallback {
			continue
		}
		bw.WriteString(formatBlock(e, cat, format.Time, loc))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write lease file: %w", err)
	}
	return nil
}

// formatBlock renders one lease block.
func formatBlock(e Entry, cat *dhcp4.Catalogue, tf TimeFormat, loc *time.Location) string {
	l := e.Lease
	var b strings.Builder
	b.WriteString("lease {\n")
	if l.BOOTP {
		b.WriteString("  bootp;\n")
	}
	fmt.Fprintf(&b, "  interface %s;\n", isctext.Quote(e.Interface))
	if e.Name != "" {
		fmt.Fprintf(&b, "  name %s;\n", isctext.Quote(e.Name))
	}
	fmt.Fprintf(&b, "  fixed-address %s;\n", addrText(l))
	if l.Filename != "" {
		fmt.Fprintf(&b, "  filename %s;\n", isctext.Quote(l.Filename))
	}
	if l.ServerName != "" {
		fmt.Fprintf(&b, "  server-name %s;\n", isctext.Quote(l.ServerName))
	}
	if l.Medium != "" {
		fmt.Fprintf(&b, "  medium %s;\n", isctext.Quote(l.Medium))
	}
	writeOptions(&b, l, cat)
	fmt.Fprintf(&b, "  renew %s\n", formatDate(l.Renew, tf, loc))
	fmt.Fprintf(&b, "  rebind %s\n", formatDate(l.Rebind, tf, loc))
	fmt.Fprintf(&b, "  expire %s\n", formatDate(l.Expire, tf, loc))
	b.WriteString("}\n")
	return b.String()
}

func addrText(l *statemachine.Lease) string {
	if !l.Addr.Is4() {
		return "0.0.0.0"
	}
	return l.Addr.String()
}

// writeOptions writes one line per option in the lease's order, then the
// options decoded from encapsulating ones (`option fqdn.fqdn "...";`)
// space by space, as ISC's write_options walks its option spaces. ISC
// uses its hash order, which readers must not rely on (reference §9.15).
func writeOptions(b *strings.Builder, l *statemachine.Lease, cat *dhcp4.Catalogue) {
	for _, o := range l.Options.Joined() {
		if o.Code == dhcp4.OptPad || o.Code == dhcp4.OptEnd {
			continue
		}
		if data, ok := cat.Received(o.Code, o.Data); ok {
			def := cat.ByCode(o.Code)
			writeOption(b, def.Name, def.Type, data, func(back []byte) bool {
				_, ok := cat.Received(o.Code, back)
				return ok
			})
		}
	}
	for _, s := range cat.Suboptions(l.Options) {
		writeOption(b, s.Def.FullName(), s.Def.Type, s.Data, nil)
	}
}

// writeOption writes `option NAME VALUE;` with ISC's value text
// (client/dhclient.c write_lease_option): `option NAME;` for a zerolen
// type, `option unknown-248 "";` for an empty string. Three kinds of ISC
// lines are left out, so that every line leased writes reads back and
// parses in cloud-init: "<error>" for data too short for the type, which
// no reader accepts; an empty value (`option domain-search ;` for an
// empty list), which ISC cannot read back and on which cloud-init's
// parser raises ValueError; and the rare text that would not read back
// to the same text (pxe-client-id's number run into its hex). A domain
// list that FormatLease cuts at 32 KiB (dhcp4.ErrCut, a compression bomb)
// is left out too: the file keeps what the server meant or nothing.
// accept, when not nil, says whether data read back from the line is
// kept by the next write, as Catalogue.Received would keep it: a host
// name of NULs only prints as "", which reads back as the empty host name
// ISC drops, so it is left out rather than written once.
func writeOption(b *strings.Builder, name string, typ dhcp4.Type, data []byte, accept func([]byte) bool) {
	if typ.Zerolen() {
		fmt.Fprintf(b, "  option %s;\n", name)
		return
	}
	v, err := typ.Lease(data)
	if err != nil || v == "" || !readsBack(typ, data, v, accept) {
		return
	}
	fmt.Fprintf(b, "  option %s %s;\n", name, v)
}

// readsBack reports whether the statement with value text v of typ,
// formatted from data, reads back as the file reader reads it: the
// statement ends at its own ';' (a domain name's label is written
// unquoted, as ISC writes it, and a ';', '{', '}' or '#' in it would end
// the statement, the block or the line early), and its value parses to
// data that accept (nil: any) keeps, that formats to v again and that
// the environment sees as it sees data (a '.' inside a label, which
// ISC's text form does not escape, would read back as two labels).
func readsBack(typ dhcp4.Type, data []byte, v string, accept func([]byte) bool) bool {
	s := isctext.NewScanner("", []byte(v+";"))
	text, _, ok := s.Value()
	if !ok || !s.AtEOF() || s.ErrorCount() > 0 {
		return false
	}
	back, err := typ.ParseValue(text)
	if err != nil || accept != nil && !accept(back) {
		return false
	}
	again, err := typ.Lease(back)
	if err != nil || again != v {
		return false
	}
	was, err1 := typ.Env(data)
	is, err2 := typ.Env(back)
	return err1 == nil && err2 == nil && was == is
}

// FormatDUID renders a DUID as ISC's format_lease_id does, for the lease
// file's default-duid and the "Created duid" line.
func FormatDUID(d []byte, f IDFormat) string {
	if f == IDHex {
		parts := make([]string, len(d))
		for i, c := range d {
			parts[i] = fmt.Sprintf("%02x", c)
		}
		return strings.Join(parts, ":")
	}
	return isctext.Quote(string(d))
}
