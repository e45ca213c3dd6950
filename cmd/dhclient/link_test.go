package main

import (
	"testing"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/platform"
)

// arp-check's keywords are platform's probe modes as they are.
func TestARPCheckIsProbeMode(t *testing.T) {
	for check, mode := range map[config.ARPCheck]platform.ProbeMode{
		config.ARPOff: platform.ProbeOff, config.ARPFast: platform.ProbeFast, config.ARPRFC5227: platform.ProbeRFC5227,
	} {
		if platform.ProbeMode(check) != mode {
			t.Errorf("arp-check %q converts to %q, want %q", check, platform.ProbeMode(check), mode)
		}
	}
}
