package hooks

import (
	"slices"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestEnvFQDN is the answer to NetworkManager's fqdn request: ISC exports
// option 81 itself (hex, as its type is an encapsulation) and every field
// of the fqdn space that fqdn_universe_decode derives, the domainname of a
// wire-form name with its leading dot.
func TestEnvFQDN(t *testing.T) {
	l := lease(opt(dhcp4.OptFQDN, "\x05\x00\x00\x06myhost\x07example\x03com\x00"))
	env := Env(Call{Reason: "BOUND", New: l}, dhcp4.NewCatalogue(), nil)
	want := []string{
		"expiry=1700000000",
		"fqdn=5:0:0:6:6d:79:68:6f:73:74:7:65:78:61:6d:70:6c:65:3:63:6f:6d:0",
		"fqdn_domainname=.example.com",
		"fqdn_encoded=true",
		"fqdn_fqdn=myhost.example.com",
		"fqdn_hostname=myhost",
		"fqdn_no_client_update=false",
		"fqdn_rcode1=0",
		"fqdn_rcode2=0",
		"fqdn_server_update=true",
		"ip_address=192.0.2.10",
	}
	if got := newVars(env); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// The sub-options come after the DHCP options and before expiry, in
	// ISC's creation order; execve order is the reverse.
	i, j := slices.Index(env, "new_fqdn_rcode2=0"), slices.Index(env, "new_fqdn=5:0:0:6:6d:79:68:6f:73:74:7:65:78:61:6d:70:6c:65:3:63:6f:6d:0")
	if k := slices.Index(env, "new_expiry=1700000000"); !(k < i && i < j) {
		t.Errorf("order: expiry %d, fqdn_rcode2 %d, fqdn %d", k, i, j)
	}
}

// TestEnvVendorSpace decodes option 43 with "vendor option space foo".
func TestEnvVendorSpace(t *testing.T) {
	cat := dhcp4.NewCatalogue()
	if err := cat.DefineSpace("foo", 1, 1); err != nil {
		t.Fatal(err)
	}
	ty, _ := dhcp4.ParseType("array of ip-address")
	if err := cat.DefineSub(dhcp4.SubDef{Space: "foo", Name: "servers", Code: 1, Type: ty}); err != nil {
		t.Fatal(err)
	}
	if err := cat.SetVendorSpace("foo"); err != nil {
		t.Fatal(err)
	}
	l := lease(opt(43, "\x01\x08\x0a\x00\x00\x01\x0a\x00\x00\x02\x09\x00"), opt(82, "\x01\x03eth"))
	want := []string{"expiry=1700000000", "foo_servers=10.0.0.1 10.0.0.2", "ip_address=192.0.2.10",
		"relay_agent_information=1:3:65:74:68", "vendor_encapsulated_options=1:8:a:0:0:1:a:0:0:2:9:0"}
	if got := newVars(Env(Call{Reason: "BOUND", New: l}, cat, nil)); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestEnvTextNULs checks ISC's receive-time handling of text: trailing
// NULs are cut, so a text that was only NULs gives no variable, and an
// empty host-name none either.
func TestEnvTextNULs(t *testing.T) {
	l := lease(opt(dhcp4.OptHostName, "vm\x00\x00"), opt(dhcp4.OptDomainName, "\x00"), opt(60, "ABC\x00"), opt(248, ""))
	want := []string{"expiry=1700000000", "host_name=vm", "ip_address=192.0.2.10", "vendor_class_identifier=ABC"}
	if got := newVars(Env(Call{Reason: "BOUND", New: l}, dhcp4.NewCatalogue(), nil)); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
