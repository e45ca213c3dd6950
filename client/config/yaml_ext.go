package config

import "slices"

// extensions applies the extension keys of SPEC §3.
func (y *yamlParser) extensions(s *Settings, sc *yamlScope) {
	word := func(v *string, key string, allowed []string, f mask, set func(string)) {
		if v == nil {
			return
		}
		if !slices.Contains(allowed, *v) {
			y.errorAt(0, 0, "%s: expecting one of %v, got %q", key, allowed, *v)
			return
		}
		set(*v)
		s.set |= f
	}
	word(sc.ARPCheck, "arp-check", []string{"off", "fast", "rfc5227"}, fARPCheck,
		func(v string) { s.ARPCheck = ARPCheck(v) })
	word(sc.ConfigureInterface, "configure-interface", []string{"auto", "native", "script"}, fConfigure,
		func(v string) { s.ConfigureInterface = Configure(v) })
	word(sc.ClientID, "client-id", []string{"none", "mac", "duid"}, fClientID,
		func(v string) { s.ClientID = ClientID(v) })
	if sc.RouteMetric != nil {
		s.RouteMetric, s.set = int(*sc.RouteMetric), s.set|fRouteMetric
	}
	if sc.RouteTable != nil {
		s.RouteTable, s.set = int(*sc.RouteTable), s.set|fRouteTable
	}
	if sc.ControlSocket != nil {
		s.ControlSocket, s.set = *sc.ControlSocket, s.set|fControlSocket
	}
	flag := func(v *bool, f mask, dst *bool) {
		if v != nil {
			*dst, s.set = *v, s.set|f
		}
	}
	flag(sc.SetMTU, fSetMTU, &s.SetMTU)
	flag(sc.ClasslessRoutes, fClassless, &s.ClasslessRoutes)
	flag(sc.ReleaseOnStop, fReleaseOnStop, &s.ReleaseOnStop)
	flag(sc.LinkWatch, fLinkWatch, &s.LinkWatch)
	flag(sc.SleepWatch, fSleepWatch, &s.SleepWatch)
	flag(sc.IPv4LL, fIPv4LL, &s.IPv4LL)
	flag(sc.ForceRenew, fForceRenew, &s.ForceRenew)
}
