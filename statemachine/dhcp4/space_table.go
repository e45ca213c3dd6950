package dhcp4

// Codes of ISC's fqdn space (common/tables.c fqdn_options): virtual
// options over the fields of option 81 (RFC 4702 §2).
const (
	FQDNNoClientUpdate uint32 = 1 // the O flag as ISC maps it (see encodeFQDN)
	FQDNServerUpdate   uint32 = 2 // the S flag
	FQDNEncoded        uint32 = 3 // the E flag: the name in RFC 1035 wire form
	FQDNRcode1         uint32 = 4
	FQDNRcode2         uint32 = 5
	FQDNHostname       uint32 = 6 // derived: the name up to its first dot
	FQDNDomainname     uint32 = 7 // derived: the rest of the name
	FQDNFQDN           uint32 = 8 // the whole name
)

// builtinSpaces are the option spaces of ISC dhclient 4.4.3 that carry
// DHCPv4 sub-options, in ISC's universe order, which is the order in
// which hooks and lease files list their options (common/tables.c
// initialize_common_option_spaces), and dhcpd's relay agent space
// (server/stables.c agent_options), which dhclient.conf statements may
// name but which a client neither sends nor decodes.
var builtinSpaces = []struct {
	name        string
	codeW, lenW int
	kind        spaceKind
	linked      bool
	defs        []SubDef
}{
	// nwip-suboptions (63), RFC 2242; ISC gives illegal-N an empty format,
	// which prints nothing, as "e" does
	{"nwip", 1, 1, spaceTLV, true, []SubDef{
		{Name: "illegal-1", Code: 1, Type: Type{code: "e"}},
		{Name: "illegal-2", Code: 2, Type: Type{code: "e"}},
		{Name: "illegal-3", Code: 3, Type: Type{code: "e"}},
		{Name: "illegal-4", Code: 4, Type: Type{code: "e"}},
		{Name: "nsq-broadcast", Code: 5, Type: Type{code: "f"}},
		{Name: "preferred-dss", Code: 6, Type: Type{code: "IA"}},
		{Name: "nearest-nwip-server", Code: 7, Type: Type{code: "IA"}},
		{Name: "autoretries", Code: 8, Type: Type{code: "B"}},
		{Name: "autoretry-secs", Code: 9, Type: Type{code: "B"}},
		{Name: "nwip-1-1", Code: 10, Type: Type{code: "f"}},
		{Name: "primary-dss", Code: 11, Type: Type{code: "I"}},
	}},
	// fqdn (81), RFC 4702
	{"fqdn", 1, 1, spaceFQDN, true, []SubDef{
		{Name: "no-client-update", Code: FQDNNoClientUpdate, Type: Type{code: "f"}},
		{Name: "server-update", Code: FQDNServerUpdate, Type: Type{code: "f"}},
		{Name: "encoded", Code: FQDNEncoded, Type: Type{code: "f"}},
		{Name: "rcode1", Code: FQDNRcode1, Type: Type{code: "B"}},
		{Name: "rcode2", Code: FQDNRcode2, Type: Type{code: "B"}},
		{Name: "hostname", Code: FQDNHostname, Type: Type{code: "t"}},
		{Name: "domainname", Code: FQDNDomainname, Type: Type{code: "t"}},
		{Name: "fqdn", Code: FQDNFQDN, Type: Type{code: "t"}},
	}},
	// vivco (124), RFC 3925 §3: enterprise number, length, data
	{"vendor-class", 4, 1, spaceTLV, false, []SubDef{
		{Name: "isc", Code: 2495, Type: Type{code: "X"}},
	}},
	// vivso (125), RFC 3925 §4
	{"vendor", 4, 1, spaceTLV, false, []SubDef{
		{Name: "isc", Code: 2495, Type: Type{code: "Eisc."}},
	}},
	// vendor.isc: ISC's own enterprise (2495) options
	{"isc", 2, 2, spaceTLV, false, []SubDef{
		{Name: "media", Code: 1, Type: Type{code: "t"}},
		{Name: "update-assist", Code: 2, Type: Type{code: "X"}},
	}},
	// relay-agent-information (82), RFC 3046 and later
	{"agent", 1, 1, spaceConfig, false, []SubDef{
		{Name: "circuit-id", Code: 1, Type: Type{code: "X"}},
		{Name: "remote-id", Code: 2, Type: Type{code: "X"}},
		{Name: "agent-id", Code: 3, Type: Type{code: "I"}},
		{Name: "DOCSIS-device-class", Code: 4, Type: Type{code: "L"}},
		{Name: "link-selection", Code: 5, Type: Type{code: "I"}},
		{Name: "relay-port", Code: 19, Type: Type{code: "Z"}},
	}},
}

// newBuiltinSpaces returns fresh copies of builtinSpaces.
func newBuiltinSpaces() []*space {
	out := make([]*space, 0, len(builtinSpaces))
	for _, b := range builtinSpaces {
		sp := newSpace(b.name, b.codeW, b.lenW, b.kind)
		sp.builtin, sp.linked = true, b.linked
		for _, d := range b.defs {
			sp.define(d)
		}
		out = append(out, sp)
	}
	return out
}
