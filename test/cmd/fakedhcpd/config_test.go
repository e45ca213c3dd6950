package main

import (
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

func fixedAddr(string) (netip.Prefix, error) { return netip.MustParsePrefix("10.1.2.1/24"), nil }

func TestParseArgsBuildsTheServerConfig(t *testing.T) {
	cfg, err := parseArgs([]string{
		"-i", "veth0", "-lease", "2m", "-range", "10.1.2.10-10.1.2.20",
		"-router", "10.1.2.1", "-dns", "10.1.2.1, 10.1.2.2", "-domain", "lab.test",
		"-ntp", "10.1.2.3", "-mtu", "1400", "-route", "192.0.2.0/24=10.1.2.1,0.0.0.0/0=10.1.2.1",
	}, io.Discard, fixedAddr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServerID != netip.MustParseAddr("10.1.2.1") || cfg.Subnet != netip.MustParsePrefix("10.1.2.0/24") {
		t.Errorf("server %v subnet %v", cfg.ServerID, cfg.Subnet)
	}
	if cfg.RangeStart != netip.MustParseAddr("10.1.2.10") || cfg.RangeEnd != netip.MustParseAddr("10.1.2.20") || cfg.LeaseTime != 2*time.Minute {
		t.Errorf("range %v-%v lease %v", cfg.RangeStart, cfg.RangeEnd, cfg.LeaseTime)
	}
	if got := cfg.Options.Addrs(dhcp4.OptDNS); len(got) != 2 || got[1] != netip.MustParseAddr("10.1.2.2") {
		t.Errorf("dns %v", got)
	}
	if mtu, _ := cfg.Options.Uint16(dhcp4.OptInterfaceMTU); mtu != 1400 {
		t.Errorf("mtu %d", mtu)
	}
	d, _ := cfg.Options.Get(dhcp4.OptClasslessRoutes)
	if rs, err := dhcp4.ClasslessRoutes(d); err != nil || len(rs) != 2 || rs[1].Dst.Bits() != 0 {
		t.Errorf("routes %v %v", rs, err)
	}
}

func TestParseArgsDefaultsTheRange(t *testing.T) {
	cfg, err := parseArgs([]string{"-i", "veth0"}, io.Discard, fixedAddr)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RangeStart != netip.MustParseAddr("10.1.2.100") || cfg.RangeEnd != netip.MustParseAddr("10.1.2.199") {
		t.Errorf("range %v-%v", cfg.RangeStart, cfg.RangeEnd)
	}
	if len(cfg.Options) != 0 {
		t.Errorf("options %v, want none", cfg.Options)
	}
}

func TestParseArgsRejectsBadInput(t *testing.T) {
	for name, args := range map[string][]string{
		"no interface": {},
		"stray word":   {"-i", "veth0", "extra"},
		"bad range":    {"-i", "veth0", "-range", "10.1.2.1"},
		"bad router":   {"-i", "veth0", "-router", "fe80::1"},
		"bad route":    {"-i", "veth0", "-route", "192.0.2.0/24"},
		"unknown flag": {"-i", "veth0", "-bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseArgs(args, io.Discard, fixedAddr); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	noAddr := func(string) (netip.Prefix, error) { return netip.Prefix{}, errors.New("no address") }
	if _, err := parseArgs([]string{"-i", "veth0"}, io.Discard, noAddr); err == nil {
		t.Fatal("accepted an interface without an address")
	}
}
