package config

import (
	"strconv"
	"strings"
)

// extension handles leased's own statements (SPEC §3), written in ISC's
// style: `arp-check fast;`, `set-mtu off;`, `control-socket "/run/x.sock";`.
func (fp *fileParser) extension(sc *Settings, kw string) bool {
	s := fp.s
	switch kw {
	case "arp-check":
		s.Next()
		if v, ok := fp.word("off", "fast", "rfc5227"); ok {
			sc.ARPCheck, sc.set = ARPCheck(v), sc.set|fARPCheck
		}
	case "configure-interface":
		s.Next()
		if v, ok := fp.word("auto", "native", "script"); ok {
			sc.ConfigureInterface, sc.set = Configure(v), sc.set|fConfigure
		}
	case "client-id":
		s.Next()
		if v, ok := fp.word("none", "mac", "duid"); ok {
			sc.ClientID, sc.set = ClientID(v), sc.set|fClientID
		}
	case "route-metric", "route-table":
		s.Next()
		t := s.Next()
		n, err := strconv.ParseUint(t.Text, 10, 31)
		if !t.IsNumber() || err != nil {
			s.Errorf(t, "expecting a %s number.", strings.ReplaceAll(kw, "-", " "))
			skipRest(s, t)
			return true
		}
		if !s.ExpectSemi() {
			return true
		}
		if kw == "route-metric" {
			sc.RouteMetric, sc.set = int(n), sc.set|fRouteMetric
		} else {
			sc.RouteTable, sc.set = int(n), sc.set|fRouteTable
		}
	case "control-socket":
		s.Next()
		if v, ok := fp.str(); ok {
			sc.ControlSocket, sc.set = v, sc.set|fControlSocket
		}
	default:
		return fp.flag(sc, kw)
	}
	return true
}

// flags maps the on/off extensions to their fields.
var flags = map[string]struct {
	f   mask
	get func(*Settings) *bool
}{
	"set-mtu":          {fSetMTU, func(s *Settings) *bool { return &s.SetMTU }},
	"classless-routes": {fClassless, func(s *Settings) *bool { return &s.ClasslessRoutes }},
	"release-on-stop":  {fReleaseOnStop, func(s *Settings) *bool { return &s.ReleaseOnStop }},
	"link-watch":       {fLinkWatch, func(s *Settings) *bool { return &s.LinkWatch }},
	"sleep-watch":      {fSleepWatch, func(s *Settings) *bool { return &s.SleepWatch }},
	"ipv4ll":           {fIPv4LL, func(s *Settings) *bool { return &s.IPv4LL }},
	"forcerenew":       {fForceRenew, func(s *Settings) *bool { return &s.ForceRenew }},
}

// flag reads `NAME on|off|true|false;`.
func (fp *fileParser) flag(sc *Settings, kw string) bool {
	fl, ok := flags[kw]
	if !ok {
		return false
	}
	fp.s.Next()
	v, ok := fp.word("on", "off", "true", "false")
	if ok {
		*fl.get(sc) = v == "on" || v == "true"
		sc.set |= fl.f
	}
	return true
}

// word reads one of the allowed keywords and its ';'.
func (fp *fileParser) word(allowed ...string) (string, bool) {
	s := fp.s
	t := s.Next()
	k := keyword(t)
	for _, a := range allowed {
		if k == a {
			return k, s.ExpectSemi()
		}
	}
	s.Errorf(t, "expecting one of %v.", allowed)
	skipRest(s, t)
	return "", false
}
