package client

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

func testLease(addr string, expire time.Time) *statemachine.Lease {
	l := &statemachine.Lease{Addr: netip.MustParseAddr(addr), Renew: expire.Add(-time.Hour), Rebind: expire.Add(-time.Minute), Expire: expire}
	l.Options.SetAddr(dhcp4.OptServerID, netip.MustParseAddr("10.0.0.1"))
	return l
}

func TestFileStoreKeepsUnexpiredAlternatives(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
	fs := NewFileStore(st, nil)
	fs.now = func() time.Time { return now }
	for _, step := range []struct{ iface, addr string }{
		{"eth0", "10.0.0.5"}, {"eth1", "10.1.0.5"}, {"eth0", "10.0.0.6"}, {"eth0", "10.0.0.6"},
	} {
		if err := fs.Persist(step.iface, testLease(step.addr, now.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	expired := testLease("10.0.0.7", now.Add(-time.Second))
	if err := fs.Persist("eth0", expired); err != nil {
		t.Fatal(err)
	}
	// Changes within a second are written together (leaseWriteGap).
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	f, errs := st.Load(nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, e := range f.Leases {
		got = append(got, e.Interface+" "+e.Lease.Addr.String())
	}
	want := []string{"eth0 10.0.0.5", "eth1 10.1.0.5", "eth0 10.0.0.6", "eth0 10.0.0.7"}
	if len(got) != len(want) {
		t.Fatalf("file holds %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("file holds %v, want %v", got, want)
		}
	}
}

// A lease recorded at bind and then declined by the hook leaves the file;
// the interface's other leases and other interfaces' stay.
func TestFileStoreForgetsDeclinedLease(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
	fs := NewFileStore(st, nil)
	fs.now = func() time.Time { return now }
	for _, step := range []struct{ iface, addr string }{{"eth0", "10.0.0.5"}, {"eth1", "10.0.0.6"}, {"eth0", "10.0.0.6"}} {
		if err := fs.Persist(step.iface, testLease(step.addr, now.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	if err := fs.Forget("eth0", testLease("10.0.0.6", now.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	// Changes within a second are written together (leaseWriteGap).
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	f, errs := st.Load(nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, e := range f.Leases {
		got = append(got, e.Interface+" "+e.Lease.Addr.String())
	}
	if want := "[eth0 10.0.0.5 eth1 10.0.0.6]"; fmt.Sprint(got) != want {
		t.Errorf("file holds %v, want %s", got, want)
	}
}
