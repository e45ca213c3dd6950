package dhcp4

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// wireName is "myhost.example.com" in RFC 1035 wire form.
var wireName = []byte("\x06myhost\x07example\x03com\x00")

// fqdnText renders decoded fields as "name=value" in ISC's env form.
func fqdnText(t *testing.T, subs []Suboption) string {
	t.Helper()
	var out []string
	for _, s := range subs {
		v, err := s.FormatEnv()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s.Def.EnvName()+"="+v)
	}
	return strings.Join(out, " ")
}

func TestDecodeFQDN(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"wire, S and E", slices.Concat([]byte{0x05, 0, 0}, wireName),
			"fqdn_encoded=true fqdn_hostname=myhost fqdn_domainname=.example.com fqdn_fqdn=myhost.example.com " +
				"fqdn_no_client_update=false fqdn_server_update=true fqdn_rcode1=0 fqdn_rcode2=0"},
		{"ascii, O and RCODEs", slices.Concat([]byte{0x03, 255, 255}, []byte("myhost.example.com")),
			"fqdn_encoded=false fqdn_hostname=myhost fqdn_domainname=example.com fqdn_fqdn=myhost.example.com " +
				"fqdn_no_client_update=true fqdn_server_update=true fqdn_rcode1=255 fqdn_rcode2=255"},
		{"ascii NUL-terminated sets no-client-update", slices.Concat([]byte{0, 0, 0}, []byte("host\x00")),
			"fqdn_encoded=false fqdn_hostname=host fqdn_fqdn=host " +
				"fqdn_no_client_update=true fqdn_server_update=false fqdn_rcode1=0 fqdn_rcode2=0"},
		{"wire, unterminated: all hostname", slices.Concat([]byte{0x04, 0, 0}, []byte("\x04host\x02ex")),
			"fqdn_encoded=true fqdn_hostname=host.ex fqdn_fqdn=host.ex " +
				"fqdn_no_client_update=false fqdn_server_update=false fqdn_rcode1=0 fqdn_rcode2=0"},
		{"wire, root only", []byte{0x04, 0, 0, 0},
			"fqdn_encoded=true fqdn_no_client_update=false fqdn_server_update=false fqdn_rcode1=0 fqdn_rcode2=0"},
		// ISC takes a zero RCODE2 of a nameless option for a terminating NUL.
		{"flags only", []byte{0x01, 0, 0},
			"fqdn_encoded=false fqdn_no_client_update=true fqdn_server_update=true fqdn_rcode1=0 fqdn_rcode2=0"},
		{"flags only, RCODE2 set", []byte{0x01, 0, 255},
			"fqdn_encoded=false fqdn_no_client_update=false fqdn_server_update=true fqdn_rcode1=0 fqdn_rcode2=255"},
		{"wire, label over 63", slices.Concat([]byte{0x04, 0, 0, 64}, bytes.Repeat([]byte{'a'}, 64)), "fqdn_encoded=true"},
		{"wire, label past the end", []byte{0x04, 0, 0, 9, 'a'}, "fqdn_encoded=true"},
		{"too short", []byte{0x04, 0}, ""},
	}
	c := NewCatalogue()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fqdnText(t, c.Suboptions(Options{{Code: OptFQDN, Data: tt.data}}))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestEncodeFQDN(t *testing.T) {
	c := NewCatalogue()
	sub := func(name, value string) Suboption {
		d, ok := c.SubByName("fqdn", name)
		if !ok {
			t.Fatalf("no fqdn.%s", name)
		}
		data, err := d.ParseValue(value)
		if err != nil {
			t.Fatal(err)
		}
		return Suboption{Def: d, Data: data}
	}
	tests := []struct {
		name string
		subs []Suboption
		want []byte
	}{
		// NetworkManager's dhclient.conf: fqdn, encoded on, server-update on.
		{"NetworkManager", []Suboption{sub("fqdn", `"myhost.example.com"`), sub("encoded", "on"), sub("server-update", "on")},
			slices.Concat([]byte{0x05, 0, 0}, wireName)},
		{"ascii", []Suboption{sub("fqdn", `"myhost.example.com"`)}, slices.Concat([]byte{0, 0, 0}, []byte("myhost.example.com"))},
		{"trailing dot", []Suboption{sub("fqdn", `"myhost.example.com."`), sub("encoded", "true")}, slices.Concat([]byte{4, 0, 0}, wireName)},
		{"empty label ends the name", []Suboption{sub("fqdn", `"a..b"`), sub("encoded", "on")}, []byte{4, 0, 0, 1, 'a', 0}},
		{"flags and rcodes", []Suboption{sub("no-client-update", "on"), sub("rcode1", "255"), sub("rcode2", "7")}, []byte{2, 255, 7}},
		{"hostname is not sent", []Suboption{sub("hostname", `"h"`)}, []byte{0, 0, 0}},
		{"last value counts", []Suboption{sub("encoded", "on"), sub("encoded", "off"), sub("fqdn", `"h"`)}, []byte{0, 0, 0, 'h'}},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := c.Encapsulate(tt.subs).Get(OptFQDN)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("option 81 = % x\nwant       % x", got, tt.want)
			}
		})
	}
}

// TestFQDNRoundTrip checks that what leased sends decodes to the fields
// it was built from.
func TestFQDNRoundTrip(t *testing.T) {
	c := NewCatalogue()
	for _, flags := range []byte{0, 1, 2, 3, 4, 5, 6, 7} {
		vals := map[uint32][]byte{
			FQDNNoClientUpdate: {flags >> 1 & 1}, FQDNServerUpdate: {flags & 1},
			FQDNEncoded: {flags >> 2 & 1}, FQDNFQDN: []byte("a.example"),
		}
		subs := c.Suboptions(Options{{Code: OptFQDN, Data: encodeFQDN(vals)}})
		for _, s := range subs {
			if want, ok := vals[s.Def.Code]; ok && !bytes.Equal(s.Data, want) {
				t.Errorf("flags %d: %s = %q, want %q", flags, s.Def.Name, s.Data, want)
			}
		}
		if len(subs) != 8 {
			t.Errorf("flags %d: %d fields: %s", flags, len(subs), fmt.Sprint(subs))
		}
	}
}
