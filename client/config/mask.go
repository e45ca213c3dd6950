package config

import (
	"slices"

	"github.com/leased/leased/statemachine/dhcp4"
)

// mask records which Settings fields a scope set.
type mask uint32

const (
	fTimeout mask = 1 << iota
	fRetry
	fSelectTimeout
	fReboot
	fBackoffCutoff
	fInitialInterval
	fInitialDelay
	fRequest
	fRequire
	fScript
	fHardware
	fARPCheck
	fRouteMetric
	fRouteTable
	fConfigure
	fSetMTU
	fClassless
	fClientID
	fControlSocket
	fReleaseOnStop
	fLinkWatch
	fSleepWatch
	fIPv4LL
	fHookTimeout
	fIPv4LLRetry
	fForceRenew
)

var fieldByName = map[string]mask{
	"timeout": fTimeout, "retry": fRetry, "select-timeout": fSelectTimeout,
	"reboot": fReboot, "backoff-cutoff": fBackoffCutoff,
	"initial-interval": fInitialInterval, "initial-delay": fInitialDelay,
	"request": fRequest, "require": fRequire, "script": fScript,
	"hardware": fHardware, "arp-check": fARPCheck, "route-metric": fRouteMetric, "route-table": fRouteTable,
	"configure-interface": fConfigure, "set-mtu": fSetMTU,
	"classless-routes": fClassless, "client-id": fClientID,
	"control-socket": fControlSocket, "release-on-stop": fReleaseOnStop,
	"link-watch": fLinkWatch, "sleep-watch": fSleepWatch, "ipv4ll": fIPv4LL,
	"hook-timeout": fHookTimeout, "ipv4ll-retry": fIPv4LLRetry, "forcerenew": fForceRenew,
}

// overlay returns base with the fields that o set replaced by o's, and
// o's send options and option modifiers merged over base's code by code.
// Reject lists add up, as ISC's interface scopes extend the outer list.
func overlay(base, o Settings) Settings {
	r := base
	copyIf := func(f mask, apply func()) {
		if o.set&f != 0 {
			apply()
		}
	}
	copyIf(fTimeout, func() { r.Timeout = o.Timeout })
	copyIf(fRetry, func() { r.Retry = o.Retry })
	copyIf(fSelectTimeout, func() { r.SelectTimeout = o.SelectTimeout })
	copyIf(fReboot, func() { r.Reboot = o.Reboot })
	copyIf(fBackoffCutoff, func() { r.BackoffCutoff = o.BackoffCutoff })
	copyIf(fInitialInterval, func() { r.InitialInterval = o.InitialInterval })
	copyIf(fInitialDelay, func() { r.InitialDelay = o.InitialDelay })
	copyIf(fRequest, func() { r.Request, r.RequestSet = slices.Clone(o.Request), true })
	copyIf(fRequire, func() { r.Require = slices.Clone(o.Require) })
	copyIf(fScript, func() { r.Script = o.Script })
	copyIf(fHardware, func() { r.HardwareAddr = slices.Clone(o.HardwareAddr) })
	copyIf(fARPCheck, func() { r.ARPCheck = o.ARPCheck })
	copyIf(fRouteMetric, func() { r.RouteMetric = o.RouteMetric })
	copyIf(fRouteTable, func() { r.RouteTable = o.RouteTable })
	copyIf(fConfigure, func() { r.ConfigureInterface = o.ConfigureInterface })
	copyIf(fSetMTU, func() { r.SetMTU = o.SetMTU })
	copyIf(fClassless, func() { r.ClasslessRoutes = o.ClasslessRoutes })
	copyIf(fClientID, func() { r.ClientID = o.ClientID })
	copyIf(fControlSocket, func() { r.ControlSocket = o.ControlSocket })
	copyIf(fReleaseOnStop, func() { r.ReleaseOnStop = o.ReleaseOnStop })
	copyIf(fLinkWatch, func() { r.LinkWatch = o.LinkWatch })
	copyIf(fSleepWatch, func() { r.SleepWatch = o.SleepWatch })
	copyIf(fIPv4LL, func() { r.IPv4LL = o.IPv4LL })
	copyIf(fIPv4LLRetry, func() { r.IPv4LLRetry = o.IPv4LLRetry })
	copyIf(fForceRenew, func() { r.ForceRenew = o.ForceRenew })
	copyIf(fHookTimeout, func() { r.HookTimeout = o.HookTimeout })
	r.Send = mergeSend(base.Send, o.Send)
	r.SendSub = mergeSub(base.SendSub, o.SendSub)
	r.Default = mergeOptions(base.Default, o.Default)
	r.Supersede = mergeOptions(base.Supersede, o.Supersede)
	r.Prepend = mergeOptions(base.Prepend, o.Prepend)
	r.Append = mergeOptions(base.Append, o.Append)
	r.Reject = append(slices.Clone(base.Reject), o.Reject...)
	r.set = base.set | o.set
	return r
}

func mergeOptions(base, o dhcp4.Options) dhcp4.Options {
	r := base.Clone()
	for _, x := range o.Joined() {
		r.Set(x.Code, slices.Clone(x.Data))
	}
	return r
}

func mergeSend(base, o []SendOption) []SendOption {
	r := slices.Clone(base)
	for _, x := range o {
		r = setSend(r, x)
	}
	return r
}

// mergeSub lays o's sub-options over base's, option by option, as ISC
// runs the outer scope's send statements before the inner one's.
func mergeSub(base, o []dhcp4.Suboption) []dhcp4.Suboption {
	r := slices.Clone(base)
	for _, x := range o {
		r = setSub(r, x)
	}
	return r
}

// setSend replaces the send option with x's code, or appends x.
func setSend(list []SendOption, x SendOption) []SendOption {
	for i := range list {
		if list[i].Code == x.Code {
			list[i] = x
			return list
		}
	}
	return append(list, x)
}
