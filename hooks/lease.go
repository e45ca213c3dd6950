package hooks

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// appendLease adds one lease block with prefix p ("new_", "old_",
// "alias_") in ISC script_write_params order (reference §3.3):
// ip_address, next_server, network_number, broadcast_address, filename,
// server_name, the options, expiry.
func appendLease(vars []string, p string, l *statemachine.Lease, cat *dhcp4.Catalogue, warn func(string)) []string {
	if l == nil {
		return vars
	}
	vars = append(vars, p+"ip_address="+l.Addr.String())
	if l.NextServer.IsValid() { // only for a lease that came in a packet
		vars = append(vars, p+"next_server="+l.NextServer.String())
	}
	vars = appendNetwork(vars, p, l)
	// ISC checks file as a root-path and sname as a host-name, and its
	// message names the value, not the field. Both are C strings there.
	if f := cString(l.Filename); f != "" {
		if dhcp4.ValidPath(f) {
			vars = append(vars, p+"filename="+f)
		} else {
			warn(suspect(f))
		}
	}
	if sn := cString(l.ServerName); sn != "" {
		if dhcp4.ValidDomainName(sn) {
			vars = append(vars, p+"server_name="+sn)
		} else {
			warn(suspect(sn))
		}
	}
	vars = appendOptions(vars, p, l.Options, cat, warn)
	return append(vars, p+"expiry="+expiry(l))
}

// appendNetwork adds network_number when option 1 has at least four bytes
// (only the first four count, as ISC tolerates over-long masks), and the
// computed broadcast_address when option 28 is absent; otherwise the
// option itself supplies that name.
func appendNetwork(vars []string, p string, l *statemachine.Lease) []string {
	m, ok := l.Options.Get(dhcp4.OptSubnetMask)
	if !ok || len(m) < 4 || !l.Addr.Is4() {
		return vars
	}
	a := l.Addr.As4()
	var net, bcast [4]byte
	for i := range 4 {
		net[i] = a[i] & m[i]
		bcast[i] = net[i] | ^m[i]
	}
	vars = append(vars, p+"network_number="+netip.AddrFrom4(net).String())
	if !l.Options.Has(dhcp4.OptBroadcast) {
		vars = append(vars, p+"broadcast_address="+netip.AddrFrom4(bcast).String())
	}
	return vars
}

// appendOptions adds one variable per option, named from the catalogue,
// then one per option decoded from an encapsulating option (new_fqdn_fqdn,
// new_fqdn_server_update ...), space by space, as ISC's
// script_write_params walks its option spaces. Options without data
// give no variable; a value that fails ISC's check (reference §3.5; DHCP
// options only, as in ISC) or that ISC would print as "<error>" is left
// out and reported.
func appendOptions(vars []string, p string, opts dhcp4.Options, cat *dhcp4.Catalogue, warn func(string)) []string {
	for _, o := range opts.Joined().ISCOrder() {
		data, ok := cat.Received(o.Code, o.Data)
		if !ok || len(data) == 0 {
			continue
		}
		name := dhcp4.EnvName(cat.ByCode(o.Code).Name)
		v, err := cat.FormatEnv(o.Code, data)
		if !usable(name, err, warn) {
			continue
		}
		if !dhcp4.CheckValue(o.Code, v) {
			warn(suspect(name))
			continue
		}
		vars = append(vars, p+name+"="+v)
	}
	for _, s := range cat.Suboptions(opts) {
		if len(s.Data) == 0 {
			continue
		}
		v, err := s.FormatEnv()
		if !usable(s.Def.EnvName(), err, warn) {
			continue
		}
		vars = append(vars, p+s.Def.EnvName()+"="+v)
	}
	return vars
}

// usable reports whether a value formatted with error err is exported:
// not when it could not be formatted, as ISC's "<error>" is no value;
// yes when it was cut to 32 KiB, as ISC cuts a domain list over that (a
// compression bomb in option 119, issue 12). Either way warn says so: a
// hook is never skipped for a value, and a value never goes missing
// unannounced.
func usable(name string, err error, warn func(string)) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, dhcp4.ErrCut):
		warn("option " + name + ": " + err.Error() + " - exported cut short")
		return true
	}
	warn("option " + name + ": " + err.Error() + " - discarded")
	return false
}

// expiry is the lease end in seconds since the epoch (ISC "%lu"). A lease
// without an end (an alias {} or a lease {} block without expire) gives 0,
// as the golden alias_expiry shows.
func expiry(l *statemachine.Lease) string {
	if l.Expire.IsZero() {
		return "0"
	}
	return strconv.FormatInt(l.Expire.Unix(), 10)
}

// cString cuts s at its first NUL, as the BOOTP fields end there.
func cString(s string) string {
	s, _, _ = strings.Cut(s, "\x00")
	return s
}

// suspect is ISC's message for a value check_option_values rejected.
func suspect(what string) string {
	return "suspect value in " + what + " option - discarded"
}
