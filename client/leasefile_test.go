package client

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
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

// Runners that bind at once share saves: each Persist returns once the
// file holds its lease, whichever runner wrote it.
func TestFileStoreConcurrentPersists(t *testing.T) {
	now := time.Now()
	st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
	fs := NewFileStore(st, nil)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			iface := fmt.Sprintf("eth%d", i)
			if err := fs.Persist(iface, testLease(fmt.Sprintf("10.0.%d.5", i), now.Add(time.Hour))); err != nil {
				errs <- err
				return
			}
			// Returned: the file on disk holds this interface's lease.
			f, lerrs := st.Load(nil)
			if len(lerrs) > 0 {
				errs <- lerrs[0]
				return
			}
			if l, _ := f.Active(iface, now); l == nil || l.Addr != netip.MustParseAddr(fmt.Sprintf("10.0.%d.5", i)) {
				errs <- fmt.Errorf("after Persist of %s the file holds %v", iface, l)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A save that fails reports its error to every change it held.
func TestFileStoreSaveErrorReachesEachChange(t *testing.T) {
	st := &lease.Store{Path: filepath.Join(t.TempDir(), "missing", "dhclient.leases")}
	fs := NewFileStore(st, nil)
	for i := range 3 {
		if err := fs.Persist("eth0", testLease(fmt.Sprintf("10.0.0.%d", i+5), time.Now().Add(time.Hour))); err == nil {
			t.Fatalf("Persist %d into a missing directory: no error", i)
		}
	}
	if _, err := fs.DUID(func() []byte { return []byte{0, 1} }); err == nil {
		t.Error("DUID saved into a missing directory: no error")
	}
}
