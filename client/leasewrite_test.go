package client

import (
	"errors"
	iofs "io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client/lease"
)

func TestNextLeaseWrite(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	gap := time.Second
	for _, tc := range []struct {
		name      string
		last, now time.Time
		want      time.Time
	}{
		{"first write", time.Time{}, t0, t0},
		{"gap passed", t0, t0.Add(gap), t0.Add(gap)},
		{"long after", t0, t0.Add(time.Hour), t0.Add(time.Hour)},
		{"within the gap", t0, t0.Add(300 * time.Millisecond), t0.Add(gap)},
		{"same instant", t0, t0, t0.Add(gap)},
		{"just before the end", t0, t0.Add(gap - time.Nanosecond), t0.Add(gap)},
		{"clock went back", t0, t0.Add(-time.Minute), t0.Add(-time.Minute)},
	} {
		if got := nextLeaseWrite(tc.last, tc.now, gap); !got.Equal(tc.want) {
			t.Errorf("%s: nextLeaseWrite(%v, %v) = %v, want %v", tc.name, tc.last, tc.now, got, tc.want)
		}
	}
}

// storedAddrs reads the file as a restarted daemon would and returns
// iface's active address ("" when none).
func storedAddr(t *testing.T, st *lease.Store, iface string) string {
	t.Helper()
	f, errs := st.Load(nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	l, _ := f.Active(iface, time.Now())
	if l == nil {
		return ""
	}
	return l.Addr.String()
}

// Changes within leaseWriteGap of a write reach the disk together when
// the gap ends, not one write each; a lone change is written at once, by
// a goroutine of the store's: Persist itself does not wait for the disk.
func TestFileStoreCoalescesWrites(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
		fs := NewFileStore(st, nil)
		exp := time.Now().Add(time.Hour)
		if err := fs.Persist("eth0", testLease("10.0.0.5", exp)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := storedAddr(t, st, "eth0"); got != "10.0.0.5" {
			t.Fatalf("first change: file holds %q, want 10.0.0.5 at once", got)
		}
		time.Sleep(100 * time.Millisecond)
		for _, a := range []string{"10.0.0.6", "10.0.0.7", "10.0.0.8"} {
			if err := fs.Persist("eth0", testLease(a, exp)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err := fs.Persist("eth1", testLease("10.1.0.5", exp)); err != nil {
			t.Fatal(err)
		}
		if got := storedAddr(t, st, "eth0"); got != "10.0.0.5" {
			t.Fatalf("within the gap: file holds %q, want the first write's 10.0.0.5", got)
		}
		time.Sleep(leaseWriteGap - 400*time.Millisecond - time.Nanosecond)
		synctest.Wait()
		if got := storedAddr(t, st, "eth1"); got != "" {
			t.Fatalf("before the gap ended: file holds %q for eth1", got)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got0, got1 := storedAddr(t, st, "eth0"), storedAddr(t, st, "eth1"); got0 != "10.0.0.8" || got1 != "10.1.0.5" {
			t.Fatalf("after the gap: file holds eth0 %q eth1 %q, want the latest, 10.0.0.8 and 10.1.0.5", got0, got1)
		}
		// A change right after the deferred write waits a whole gap again,
		// unless the daemon ends first: Flush writes it.
		if err := fs.Persist("eth0", testLease("10.0.0.9", exp)); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := storedAddr(t, st, "eth0"); got != "10.0.0.8" {
			t.Fatalf("right after a write: file holds %q, want 10.0.0.8 until the gap ends", got)
		}
		if err := fs.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := storedAddr(t, st, "eth0"); got != "10.0.0.9" {
			t.Fatalf("after Flush: file holds %q, want 10.0.0.9", got)
		}
		// Flush cancelled the deferred write: nothing is left to run.
		time.Sleep(2 * leaseWriteGap)
		synctest.Wait()
	})
}

// Persist returns while the disk is busy: a runner records its lease and
// goes on to configure the address while the file is written. The test
// holds fs.writing, as a write under way on a slow disk does; a Persist
// that waited for the disk would never return.
func TestFileStorePersistDoesNotWaitForDisk(t *testing.T) {
	st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
	fs := NewFileStore(st, nil)
	fs.writing.Lock()
	if err := fs.Persist("eth0", testLease("10.0.0.5", time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if got := storedAddr(t, st, "eth0"); got != "" {
		t.Fatalf("file holds %q while the disk is busy, want nothing yet", got)
	}
	fs.writing.Unlock()
	if err := fs.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := storedAddr(t, st, "eth0"); got != "10.0.0.5" {
		t.Fatalf("after Flush: file holds %q, want 10.0.0.5", got)
	}
}

// The rewrite of a start goes with the next write: the first lease
// change's, written at once, or the Flush before readiness or at the
// end. Alone it writes nothing.
func TestFileStoreRewriteJoinsNextWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*FileStore) error
	}{
		{"lease change", func(fs *FileStore) error {
			return fs.Persist("eth1", testLease("10.1.0.5", time.Now().Add(time.Hour)))
		}},
		{"flush", (*FileStore).Flush},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := &lease.Store{Path: filepath.Join(t.TempDir(), "dhclient.leases")}
				stored := &lease.File{Leases: []lease.Entry{{Interface: "eth0", Lease: testLease("10.0.0.5", time.Now().Add(time.Hour))}}}
				fs := NewFileStore(st, stored)
				fs.Rewrite()
				time.Sleep(time.Minute)
				synctest.Wait()
				if _, err := os.Stat(st.Path); !errors.Is(err, iofs.ErrNotExist) {
					t.Fatalf("lease file after a rewrite alone: %v, want none written", err)
				}
				if err := tc.write(fs); err != nil {
					t.Fatal(err)
				}
				synctest.Wait()
				if got := storedAddr(t, st, "eth0"); got != "10.0.0.5" {
					t.Errorf("after the %s: file holds %q for eth0, want the rewritten 10.0.0.5", tc.name, got)
				}
			})
		})
	}
}
