package client_test

import (
	"testing"
	"testing/synctest"
	"time"
)

// dhclient -1 eth0 eth1, eth0 bound and no server on eth1: when eth1
// gives up, the daemon ends with exit code 2, as ISC's finish(2) ends
// the whole process, and the daemon-mode parent gets that code.
func TestDaemonOneTryEndsWhenOneInterfaceGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMainRig(t, nativeConf+"timeout 5;\n", "eth0", "eth1")
		m.d.OneTry = true
		drained := m.drain("eth1")
		defer close(drained)
		m.start()
		m.bind("eth0", 86400)
		drained0 := m.drain("eth0")
		defer close(drained0)
		time.Sleep(time.Minute) // far past timeout 5
		synctest.Wait()
		select {
		case code := <-m.code:
			if code != 2 || len(m.detached) != 1 || m.detached[0] != 2 {
				t.Errorf("Main returned %d, detached %v; want 2 and the parent told 2", code, m.detached)
			}
		default:
			t.Errorf("a minute after eth1 gave up under -1 the daemon still runs, detached %v", m.detached)
			m.cancel()
			<-m.code
		}
		if got := m.hooks(); got[len(got)-1] != "eth1 FAIL" {
			t.Errorf("hooks %v, want eth1's FAIL last", got)
		}
	})
}
