package lease

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
)

func TestActive(t *testing.T) {
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	lease := func(addr string, expireIn time.Duration) *statemachine.Lease {
		return &statemachine.Lease{Addr: netip.MustParseAddr(addr), Expire: now.Add(expireIn)}
	}
	tests := []struct {
		name    string
		entries []Entry
		active  string
		alts    string
	}{
		{"none", nil, "", ""},
		{"last block wins", []Entry{
			{Interface: "eth0", Lease: lease("10.0.0.1", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.1", 2*time.Hour)},
		}, "10.0.0.1", ""},
		{"unexpired other address kept", []Entry{
			{Interface: "eth0", Lease: lease("10.0.0.1", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.2", time.Hour)},
		}, "10.0.0.2", "10.0.0.1"},
		{"expired dropped", []Entry{
			{Interface: "eth0", Lease: lease("10.0.0.1", -time.Second)},
			{Interface: "eth0", Lease: lease("10.0.0.2", time.Hour)},
		}, "10.0.0.2", ""},
		{"alternatives most recent first, duplicates dropped", []Entry{
			{Interface: "eth0", Lease: lease("10.0.0.1", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.2", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.3", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.1", time.Hour)},
		}, "10.0.0.1", "10.0.0.3 10.0.0.2"},
		{"other interfaces and pseudo leases ignored", []Entry{
			{Interface: "eth1", Lease: lease("10.0.0.9", time.Hour)},
			{Interface: "eth0", Name: "p", Lease: lease("10.0.0.8", time.Hour)},
			{Interface: "eth0", Lease: lease("10.0.0.1", -time.Hour)},
		}, "10.0.0.1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Leases: tt.entries}
			a, alts := f.Active("eth0", now)
			got := ""
			if a != nil {
				got = a.Addr.String()
			}
			var as []string
			for _, x := range alts {
				as = append(as, x.Addr.String())
			}
			if got != tt.active || strings.Join(as, " ") != tt.alts {
				t.Errorf("got active %q alternatives %q, want %q %q", got, strings.Join(as, " "), tt.active, tt.alts)
			}
		})
	}
}

func TestInterfaces(t *testing.T) {
	f := &File{Leases: []Entry{{Interface: "b"}, {Interface: "a"}, {Interface: "b"}}}
	if got := fmt.Sprint(f.Interfaces()); got != "[b a]" {
		t.Errorf("got %s, want [b a]", got)
	}
}

// TestActiveFollowsISCStepByStep checks Active against ISC's rules
// applied block by block, as parse_client_lease_statement applies them,
// on random files: same active lease, same alternatives in the same
// order.
func TestActiveFollowsISCStepByStep(t *testing.T) {
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		var f File
		for range rng.IntN(12) {
			l := &statemachine.Lease{
				Addr:   netip.AddrFrom4([4]byte{10, 0, 0, byte(1 + rng.IntN(4))}),
				Expire: now.Add(time.Duration(rng.IntN(3)-1) * time.Hour),
			}
			f.Leases = append(f.Leases, Entry{Interface: []string{"eth0", "eth1"}[rng.IntN(2)], Lease: l})
		}
		active, alts := f.Active("eth0", now)
		wantActive, wantAlts := activeStepByStep(&f, "eth0", now)
		if active != wantActive || !slices.Equal(alts, wantAlts) {
			t.Fatalf("round %d: Active gives %v %v, step by step %v %v", round, active, alts, wantActive, wantAlts)
		}
	}
}

// activeStepByStep is ISC's reading of iface's blocks, one at a time: a
// block drops the alternatives with its address (discard_duplicate),
// and the lease it replaces becomes an alternative, first, if it has not
// expired and its address differs.
func activeStepByStep(f *File, iface string, now time.Time) (active *statemachine.Lease, alts []*statemachine.Lease) {
	for _, e := range f.Leases {
		if e.Interface != iface {
			continue
		}
		alts = slices.DeleteFunc(alts, func(x *statemachine.Lease) bool { return x.Addr == e.Lease.Addr })
		if active != nil && !active.ExpiredAt(now) && active.Addr != e.Lease.Addr {
			alts = append([]*statemachine.Lease{active}, alts...)
		}
		active = e.Lease
	}
	return active, alts
}
