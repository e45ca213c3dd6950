package statemachine

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// TestLeaseTimes checks T1, T2 and expiry of a bound lease against ISC's
// formulas (reference §6.2) with random() fixed at 7.
func TestLeaseTimes(t *testing.T) {
	u32 := func(code uint8, v uint32) dhcp4.Option {
		var o dhcp4.Options
		o.SetUint32(code, v)
		return o[0]
	}
	for _, tc := range []struct {
		name               string
		lease              uint32
		extra              []dhcp4.Option
		renew, rebind, exp int64 // seconds after the ACK
	}{
		// T1 = 61 -> (183+3)/4 + (7%61+3)/4 = 46 + 2
		{"defaults", 120, nil, 48, 105, 120},
		// T1 = 1801 -> 1351 + 2; T2 = 3150
		{"one hour", 3600, nil, 1353, 3150, 3600},
		// option 58 = 1800 -> 1350 + 2; option 59 = 3150
		{"options 58 and 59", 3600, []dhcp4.Option{u32(58, 1800), u32(59, 3150)}, 1352, 3150, 3600},
		// T1 = 100 randomised to 77 > T2 = 50 -> 3/4 * 50
		{"T1 beyond T2", 3600, []dhcp4.Option{u32(58, 100), u32(59, 50)}, 37, 50, 3600},
		// 0xffffffff as ISC on 64-bit Linux: T1 = 2^31 (too large to
		// randomise), T2 = lease/8*7, expiry 2^32-1 s on
		// (test/testdata/isc-infinite: renewal in 2147483648 seconds).
		{"infinite", dhcp4.InfiniteLease, nil, 2147483648, 3758096377, 4294967295},
		{"infinite with options 58 and 59", dhcp4.InfiniteLease,
			[]dhcp4.Option{u32(58, dhcp4.InfiniteLease), u32(59, dhcp4.InfiniteLease)}, 4294967295, 4294967295, 4294967295},
		// Tiny leases, as ISC computes them: 1 s: T1 = 1 -> 1 + 0 > T2 =
		// 7/8 = 0 -> 0; 2 s: T1 = 2 -> 2 + 1 > T2 = 14/8 = 1 -> 3/4 = 0.
		// Both renew at once (bound, minRequestGap after the REQUEST).
		{"1 s", 1, nil, 0, 0, 1},
		{"2 s", 2, nil, 0, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.do(0, Start{})
			h.do(time.Second, offer(addr, srv))
			m := reply(dhcp4.Ack, addr, srv, tc.lease, tc.extra...)
			h.do(0, Received{Msg: m})
			l := h.m.Lease()
			if l == nil {
				t.Fatalf("no lease; state %v", h.m.State())
			}
			at := func(sec int64) time.Time { return time.Unix(h.now.Unix()+sec, 0) }
			if !l.Renew.Equal(at(tc.renew)) || !l.Rebind.Equal(at(tc.rebind)) || !l.Expire.Equal(at(tc.exp)) {
				t.Errorf("renew/rebind/expire = %v/%v/%v, want +%d/+%d/+%d", l.Renew.Sub(h.now), l.Rebind.Sub(h.now),
					l.Expire.Sub(h.now), tc.renew, tc.rebind, tc.exp)
			}
		})
	}
}

// TestInfiniteLeaseBinds checks an infinite lease as ISC binds it: the
// renewal timer, 2^31 s away, is reduced to TIME_MAX-1 with ISC's log
// line before the bound line, and the lease never expires.
func TestInfiniteLeaseBinds(t *testing.T) {
	h := newHarness(t, testConfig())
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	acts := h.do(0, Received{Msg: reply(dhcp4.Ack, addr, srv, dhcp4.InfiniteLease)})
	var logs []string
	for _, a := range acts {
		if l, ok := a.(Log); ok {
			logs = append(logs, l.Msg)
		}
	}
	want := []string{
		"DHCPACK of " + addr.String() + " from " + srv.String(),
		"Timeout too large reducing to: 2147483646 (TIME_MAX - 1)",
		"bound to " + addr.String() + " -- renewal in 2147483648 seconds.",
	}
	if strings.Join(logs, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n\t%s\nwant:\n\t%s", strings.Join(logs, "\n\t"), strings.Join(want, "\n\t"))
	}
	if want := time.Unix(h.now.Unix()+2147483646, 0); !h.armAt.Equal(want) {
		t.Errorf("armed at %v, want %v (TIME_MAX-1 s on, whole second)", h.armAt, want)
	}
	l := h.m.Lease()
	if !l.Infinite() || l.ExpiredAt(l.Expire.Add(time.Hour)) {
		t.Errorf("lease infinite=%v, expired after its expiry=%v; want infinite, never expired", l.Infinite(), l.ExpiredAt(l.Expire.Add(time.Hour)))
	}
}

// TestReleasedInfiniteLeaseHasEnded: a released infinite lease keeps its
// lease time in the lease file, but the release set its times to that
// moment (reference §5.2): read back at the next start it is over, not
// confirmed (INIT-REBOOT) nor tried at TIMEOUT. As ISC's, whose
// client->active it stays, the DISCOVER asks for its address.
func TestReleasedInfiniteLeaseHasEnded(t *testing.T) {
	h := newHarness(t, testConfig())
	h.do(0, Start{})
	h.do(time.Second, offer(addr, srv))
	h.do(0, Received{Msg: reply(dhcp4.Ack, addr, srv, dhcp4.InfiniteLease)})
	var rel *Lease
	for _, a := range h.do(time.Minute, Release{}) {
		if p, ok := a.(Persist); ok {
			rel = p.Lease
		}
	}
	if rel == nil {
		t.Fatal("release recorded no lease")
	}
	if rel.Infinite() || !rel.ExpiredAt(h.now.Add(time.Second)) {
		t.Errorf("released lease infinite=%v, expired a second on=%v; want ended", rel.Infinite(), rel.ExpiredAt(h.now.Add(time.Second)))
	}
	cfg := testConfig()
	cfg.Timeout = 10 * time.Second
	next := newHarness(t, cfg, rel)
	next.now = h.now.Add(time.Hour)
	var acts []Action
	acts = append(acts, next.do(0, Start{})...)
	for range 4 {
		acts = append(acts, next.do(atArm, Timeout{})...)
	}
	for _, line := range render(acts) {
		if strings.HasPrefix(line, "send DHCPREQUEST") || strings.Contains(line, "recorded lease") || strings.HasPrefix(line, "configure") {
			t.Errorf("the released lease is used again: %q in\n\t%s", line, strings.Join(render(acts), "\n\t"))
			break
		}
	}
}

// TestRenewalSpread checks the randomised T1 stays in ISC's observed band
// (reference §6.2: T1 1800 gives 1396..1784 s; formula range 1350..1800).
func TestRenewalSpread(t *testing.T) {
	lo, hi := int64(1<<62), int64(0)
	for seed := range uint64(2000) {
		cfg := testConfig()
		cfg.Rand = seeded(seed)
		h := newHarness(t, cfg)
		h.do(0, Start{})
		h.do(time.Second, offer(addr, srv))
		h.do(0, Received{Msg: reply(dhcp4.Ack, addr, srv, 3600, dhcp4.Option{Code: 58, Data: []byte{0, 0, 7, 8}})})
		r := h.m.Lease().Renew.Unix() - h.now.Unix()
		lo, hi = min(lo, r), max(hi, r)
	}
	if lo < 1350 || hi > 1800 || lo > 1396 || hi < 1784 {
		t.Errorf("T1 1800 randomised to %d..%d, want within 1350..1800 covering ISC's 1396..1784", lo, hi)
	}
}

// TestMessageContents checks the options of what the machine sends, in
// ISC's order (dhcp4.Options.ClientOrder): PRL, client identifier and
// send options in DISCOVER and REQUEST, only 50, 54 and 61 in DECLINE,
// and 54 with the send options in RELEASE.
func TestMessageContents(t *testing.T) {
	cfg := testConfig()
	cfg.ClientID = []byte{1, 2, 0, 0, 0, 0, 1}
	cfg.Send = dhcp4.Options{{Code: dhcp4.OptHostName, Data: []byte("vm")}, {Code: dhcp4.OptMessageType, Data: []byte{9}}}
	h := newHarness(t, cfg)
	sent := func(acts []Action) *dhcp4.Message {
		t.Helper()
		for _, a := range acts {
			if s, ok := a.(Send); ok {
				return s.Msg
			}
		}
		t.Fatalf("nothing sent in %v", render(acts))
		return nil
	}
	codes := func(m *dhcp4.Message) []byte { return m.Options.Codes() }
	for _, tc := range []struct {
		name string
		ev   Event
		want []byte
	}{
		{"discover", Start{}, []byte{53, 12, 55, 61}},
		{"request", offer(addr, srv), []byte{53, 54, 50, 12, 55, 61}},
		{"decline", nil, []byte{53, 54, 50, 61}},
		{"release", nil, []byte{53, 54, 12, 61}},
	} {
		var m *dhcp4.Message
		switch tc.name {
		case "decline":
			h.do(0, ack(addr, srv))
			m = sent(h.do(0, HookResult{Reason: ReasonBound, ExitCode: 1}))
		case "release":
			h.do(atArm, Timeout{})
			h.do(0, offer(addr, srv))
			h.do(0, ack(addr, srv))
			m = sent(h.do(0, Release{}))
			if !m.CIAddr.IsValid() || m.CIAddr != addr {
				t.Errorf("release ciaddr %v, want %v", m.CIAddr, addr)
			}
		default:
			m = sent(h.do(0, tc.ev))
		}
		if got := codes(m); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: option codes %v, want %v", tc.name, got, tc.want)
		}
		if tc.name == "discover" {
			if prl, _ := m.Options.Get(55); !bytes.Equal(prl, cfg.PRL) {
				t.Errorf("PRL %v, want %v", prl, cfg.PRL)
			}
		}
	}
}
