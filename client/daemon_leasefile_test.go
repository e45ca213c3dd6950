package client_test

import (
	"cmp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/statemachine"
)

// Two interfaces bound in the same second while a third is still
// looking: the second lease waits for the lease file's write gap, and a
// daemon ended before the gap is over still leaves both leases on disk
// (issue 12: the file holds the lease in use, without a write per
// change).
func TestDaemonWritesPutOffLeaseAtExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0", "eth1", "eth2")
		r.start()
		r.bind("eth0", 600)
		synctest.Wait()
		r.bind("eth1", 600)
		synctest.Wait()
		now := time.Now()
		f := r.leaseFile()
		if l, _ := f.Active("eth0", now); l == nil {
			t.Fatal("eth0's lease, the first change, not written at once")
		}
		if l, _ := f.Active("eth1", now); l != nil {
			t.Fatal("eth1's lease written within the write gap of eth0's")
		}
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		f = r.leaseFile()
		for _, name := range []string{"eth0", "eth1"} {
			if l, _ := f.Active(name, now); l == nil || l.Addr != clientAddr {
				t.Errorf("after exit the lease file holds %v for %s, want %v", l, name, clientAddr)
			}
		}
	})
}

// The daemon is ready once every interface is bound, and by then every
// lease is on disk, the one the write gap put off included: a caller
// that reads the lease file as soon as dhclient returns finds them.
func TestDaemonReadyWithLeasesOnDisk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0", "eth1")
		r.start()
		r.bind("eth0", 600)
		synctest.Wait()
		r.bind("eth1", 600)
		<-r.ready
		now := time.Now()
		f := r.leaseFile()
		for _, name := range []string{"eth0", "eth1"} {
			if l, _ := f.Active(name, now); l == nil || l.Addr != clientAddr {
				t.Errorf("when ready the lease file holds %v for %s, want %v", l, name, clientAddr)
			}
		}
		if err := r.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

// A stated lease-id-format is logged as ISC's parser logs it, octal too,
// by the daemon and by dhclient -x; an absent one is not.
func TestDaemonLogsStatedLeaseIDFormat(t *testing.T) {
	for _, tt := range []struct{ conf, want string }{
		{"lease-id-format octal;\n", "lease_id_format is: octal"},
		{"lease-id-format hex;\n", "lease_id_format is: hex"},
		{"", ""},
	} {
		synctest.Test(t, func(t *testing.T) {
			r := newDaemonRig(t, nativeConf+tt.conf, "eth0")
			r.d.Leave(t.Context(), statemachine.Stop{})
			for what, log := range map[string]string{"daemon": boundLog(t, nativeConf+tt.conf), "-x": r.log.String()} {
				if tt.want == "" && strings.Contains(log, "lease_id_format") || !strings.Contains(log, tt.want) {
					t.Errorf("%s, %q: log\n%s\nwant %q", what, tt.conf, log, cmp.Or(tt.want, "no lease_id_format line"))
				}
			}
		})
	}
}
