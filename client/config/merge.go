package config

import (
	"slices"

	"github.com/leased/leased/statemachine/dhcp4"
)

// overlay returns base with the fields that o set replaced by o's, and
// o's send options and option modifiers merged over base's code by code.
// Reject lists add up, as ISC's interface scopes extend the outer list.
func overlay(base, o Settings) Settings {
	r := base
	for i, row := range settings {
		if o.set.has(i) {
			row.copy(&r, &o)
		}
	}
	r.Send = mergeSend(base.Send, o.Send)
	r.SendSub = mergeSub(base.SendSub, o.SendSub)
	r.Default = mergeOptions(base.Default, o.Default)
	r.Supersede = mergeOptions(base.Supersede, o.Supersede)
	r.Prepend = mergeOptions(base.Prepend, o.Prepend)
	r.Append = mergeOptions(base.Append, o.Append)
	r.Reject = append(slices.Clone(base.Reject), o.Reject...)
	r.set = base.set.or(o.set)
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
