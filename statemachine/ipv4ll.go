package statemachine

import "time"

// LinkLocal starts (On) or stops the claim of an IPv4 link-local address
// (RFC 3927), which the runner carries out with linklocal.Claimer. The
// machine starts it when timeout passed with no usable lease (FAIL) and
// stops it when a lease binds or the machine stops, pauses or releases.
type LinkLocal struct{ On bool }

func (LinkLocal) isAction() {}

// String renders "link-local on" or "link-local off".
func (a LinkLocal) String() string {
	if a.On {
		return "link-local on"
	}
	return "link-local off"
}

// DefaultIPv4LLRetry is the wait between DISCOVER rounds while a
// link-local address is in use: Windows' APIPA tries every 5 minutes.
const DefaultIPv4LLRetry = 5 * time.Minute

// linkLocalFail is FAIL's continuation with ipv4ll on: claim a link-local
// address and go on DISCOVERing every IPv4LLRetry, without ISC's random
// draw, so that a server that appears is found within that time.
func (m *Machine) linkLocalFail(now time.Time) {
	if !m.linkLocal {
		m.linkLocal = true
		m.emit(LinkLocal{On: true})
	}
	retry := m.cfg.IPv4LLRetry
	if retry <= 0 {
		retry = DefaultIPv4LLRetry
	}
	m.logf("No lease; using a link-local address, next DHCPDISCOVER in %d seconds.", seconds(retry, 1))
	m.setTimer(timerInit, now.Add(retry))
}

// linkLocalOff stops the link-local claim if it runs: a lease is about to
// be configured, or the machine stops using the interface.
func (m *Machine) linkLocalOff() {
	if m.linkLocal {
		m.linkLocal = false
		m.emit(LinkLocal{On: false})
	}
}
