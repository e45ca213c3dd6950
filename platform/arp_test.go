package platform

import (
	"bytes"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
	"time"
)

var (
	hwOurs  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	hwOther = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x02}
	probed  = netip.MustParseAddr("10.77.0.23")
)

func TestARPProbeWire(t *testing.T) {
	got := arpProbe(hwOurs, probed).appendBinary(nil)
	want := []byte{
		0x00, 0x01, // hardware type Ethernet
		0x08, 0x00, // protocol IPv4
		6, 4, // address lengths
		0x00, 0x01, // request
		0x02, 0, 0, 0, 0, 0x01, // sender hardware address
		0, 0, 0, 0, // sender IP 0.0.0.0 (RFC 5227 §2.1.1)
		0, 0, 0, 0, 0, 0, // target hardware address zero
		10, 77, 0, 23, // target IP: the probed address
	}
	if !bytes.Equal(got, want) {
		t.Errorf("probe:\n got % x\nwant % x", got, want)
	}
	p, err := parseARP(append(got, make([]byte, 18)...)) // Ethernet padding
	if err != nil || p.Op != arpRequest || !bytes.Equal(p.SenderHW, hwOurs) || p.TargetIP != probed || !p.SenderIP.IsUnspecified() {
		t.Errorf("parse: got %+v, %v", p, err)
	}
}

func TestParseARPRejects(t *testing.T) {
	good := arpProbe(hwOurs, probed).appendBinary(nil)
	mut := func(i int, v byte) []byte { b := bytes.Clone(good); b[i] = v; return b }
	for name, b := range map[string][]byte{
		"empty":              nil,
		"short header":       good[:7],
		"cut addresses":      good[:27],
		"ipv6 protocol":      mut(2, 0x86),
		"protocol length 16": mut(5, 16),
		"hardware length 0":  mut(4, 0),
		"hardware length 20": mut(4, 20),
	} {
		if _, err := parseARP(b); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
}

func TestARPConflicts(t *testing.T) {
	other := netip.MustParseAddr("10.77.0.99")
	zero := netip.IPv4Unspecified()
	tests := []struct {
		name string
		p    arpPacket
		want bool
	}{
		{"reply from the address's owner", arpPacket{Op: arpReply, SenderHW: hwOther, SenderIP: probed, TargetIP: zero}, true},
		{"request from the address's owner", arpPacket{Op: arpRequest, SenderHW: hwOther, SenderIP: probed, TargetIP: other}, true},
		{"gratuitous announcement", arpPacket{Op: arpRequest, SenderHW: hwOther, SenderIP: probed, TargetIP: probed}, true},
		{"another host probing for it", arpPacket{Op: arpRequest, SenderHW: hwOther, SenderIP: zero, TargetIP: probed}, true},
		{"another host probing elsewhere", arpPacket{Op: arpRequest, SenderHW: hwOther, SenderIP: zero, TargetIP: other}, false},
		{"someone asking for it", arpPacket{Op: arpRequest, SenderHW: hwOther, SenderIP: other, TargetIP: probed}, false},
		{"unrelated reply", arpPacket{Op: arpReply, SenderHW: hwOther, SenderIP: other, TargetIP: probed}, false},
		{"our own probe looped back", arpProbe(hwOurs, probed), false},
		{"unknown operation", arpPacket{Op: 9, SenderHW: hwOther, SenderIP: probed}, false},
	}
	for _, tt := range tests {
		if got := tt.p.conflicts(probed, hwOurs); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestProbeSchedule(t *testing.T) {
	for _, off := range []ProbeMode{ProbeOff, ""} {
		if gaps, wait := probeSchedule(off, nil); gaps != nil || wait != 0 {
			t.Errorf("%q: got %v %v, want nothing", off, gaps, wait)
		}
	}
	if gaps, wait := probeSchedule(ProbeFast, nil); len(gaps) != 1 || gaps[0] != 0 || wait != 200*time.Millisecond {
		t.Errorf("fast: got %v %v, want [0] 200ms", gaps, wait)
	}
	r := rand.New(rand.NewPCG(1, 2))
	var firstMin, firstMax time.Duration = time.Hour, 0
	for range 500 {
		gaps, wait := probeSchedule(ProbeRFC5227, r)
		if len(gaps) != 3 || wait != 2*time.Second {
			t.Fatalf("rfc5227: got %v %v, want 3 probes and a 2s wait", gaps, wait)
		}
		if gaps[0] < 0 || gaps[0] > time.Second {
			t.Fatalf("first delay %v outside [0, PROBE_WAIT]", gaps[0])
		}
		for _, g := range gaps[1:] {
			if g < time.Second || g > 2*time.Second {
				t.Fatalf("probe spacing %v outside [PROBE_MIN, PROBE_MAX]", g)
			}
		}
		firstMin, firstMax = min(firstMin, gaps[0]), max(firstMax, gaps[0])
	}
	if firstMax-firstMin < 900*time.Millisecond {
		t.Errorf("first delays span only %v..%v: not random over [0, 1s]", firstMin, firstMax)
	}
	// The same seed gives the same schedule.
	a, _ := probeSchedule(ProbeRFC5227, rand.New(rand.NewPCG(7, 7)))
	b, _ := probeSchedule(ProbeRFC5227, rand.New(rand.NewPCG(7, 7)))
	if !equalDurations(a, b) {
		t.Errorf("seeded schedules differ: %v, %v", a, b)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzParseARP checks that parseARP never panics and that what it
// accepts re-encodes to the bytes it read.
func FuzzParseARP(f *testing.F) {
	f.Add(arpProbe(hwOurs, probed).appendBinary(nil))
	f.Add(arpPacket{HType: 32, Op: arpReply, SenderHW: make([]byte, 20), SenderIP: probed, TargetHW: make([]byte, 20)}.appendBinary(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseARP(b)
		if err != nil {
			return
		}
		out := p.appendBinary(nil)
		if !bytes.Equal(out, b[:len(out)]) {
			t.Fatalf("re-encoded:\n got % x\nwant % x", out, b[:len(out)])
		}
		if q, err := parseARP(out); err != nil || q.Op != p.Op || q.SenderIP != p.SenderIP || q.TargetIP != p.TargetIP {
			t.Fatalf("second parse: got %+v, %v; want %+v", q, err, p)
		}
	})
}
