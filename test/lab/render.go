//go:build linux

package lab

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// maskOf is the dotted subnet mask of p.
func maskOf(p netip.Prefix) netip.Addr {
	var b [4]byte
	for i := range p.Bits() {
		b[i/8] |= 0x80 >> (i % 8)
	}
	return netip.AddrFrom4(b)
}

// secs is d in whole seconds.
func secs(d time.Duration) int64 { return int64(d / time.Second) }

// joinAddrs renders addresses separated by sep.
func joinAddrs(as []netip.Addr, sep string) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, sep)
}

// classlessBytes is the RFC 3442 encoding of routes.
func classlessBytes(routes []dhcp4.Route) []byte {
	return dhcp4.AppendClasslessRoutes(nil, routes)
}

// decimalBytes renders b as "1,2,3" (dhcpd's array of integer 8).
func decimalBytes(b []byte) string {
	s := make([]string, len(b))
	for i, v := range b {
		s[i] = strconv.Itoa(int(v))
	}
	return strings.Join(s, ",")
}
