package statemachine

import (
	"slices"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// minV6OnlyWait is MIN_V6ONLY_WAIT of RFC 8925 §3.4: a smaller option
// 108 value is raised to it.
const minV6OnlyWait = 300

// v6OnlyWait returns V6ONLY_WAIT in seconds when msg carries option 108
// and the request list asked for it, else 0 (RFC 8925 §3.2; ISC
// dhclient.c check_v6only). A value that is not 4 bytes is ignored, as
// ISC ignores it.
func (m *Machine) v6OnlyWait(msg *dhcp4.Message) uint32 {
	if !slices.Contains(m.cfg.PRL, dhcp4.OptV6OnlyPreferred) {
		return 0
	}
	v, ok := msg.Options.Uint32(dhcp4.OptV6OnlyPreferred)
	if !ok {
		return 0
	}
	return max(v, minV6OnlyWait)
}

// startV6Only stops DHCPv4 for wait seconds (RFC 8925 §3.2, ISC
// start_v6only): the exchange ends, an address leased configured is
// removed, V6ONLY runs with the lease given up as old_*, and INIT starts
// again when the wait is over. The stored lease is left alone, as ISC
// leaves it. An IPv4 link-local address claimed after an earlier FAIL
// goes too: in IPv6-only mode the client does without IPv4 on the link
// (RFC 8925 §3.2), and a 169.254/16 address would have applications try
// IPv4 there. The claim starts again only after a FAIL once the wait is
// over.
func (m *Machine) startV6Only(now time.Time, wait uint32) {
	m.resetExchange()
	m.awaiting = nil
	m.deconfigure()
	m.linkLocalOff()
	old := m.active
	m.active, m.lapsed = nil, nil
	m.state = StateV6Only
	m.emit(RunHook{Reason: ReasonV6Only, Old: old, V6OnlyWait: wait})
	m.setTimer(timerInit, now.Add(time.Duration(wait)*time.Second))
}
