package lease

import (
	"fmt"
	"net/netip"
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
