package config

import "slices"

// overlay returns base with the fields that o set replaced by o's, and
// o's send options merged over base's code by code. Option modifiers and
// reject lists add up, o's after base's, as ISC's interface scopes run
// after and extend the outer ones.
func overlay(base, o Settings) Settings {
	r := base
	for i, row := range settings {
		if o.set.has(i) {
			row.copy(&r, &o)
		}
	}
	r.Send = mergeSend(base.Send, o.Send)
	r.SendSub = mergeSub(base.SendSub, o.SendSub)
	r.Modifiers = append(slices.Clone(base.Modifiers), o.Modifiers...)
	r.Reject = append(slices.Clone(base.Reject), o.Reject...)
	r.set = base.set.or(o.set)
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
func mergeSub(base, o []SubSend) []SubSend {
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

// clone returns a copy of s that shares no list with it, for a snapshot
// that later statements must not change.
func (s Settings) clone() *Settings {
	c := s
	c.Request = slices.Clone(s.Request)
	c.Require = slices.Clone(s.Require)
	c.Send = slices.Clone(s.Send)
	c.SendSub = slices.Clone(s.SendSub)
	c.Modifiers = slices.Clone(s.Modifiers)
	c.Reject = slices.Clone(s.Reject)
	c.HardwareAddr = slices.Clone(s.HardwareAddr)
	return &c
}
