//go:build linux

package bench

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// rusageCPU is the CPU time getrusage(2) reports for this process.
func rusageCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestProcfsAgreesWithGetrusage reads the test's own counters and checks
// them against what the kernel reports through other means.
func TestProcfsAgreesWithGetrusage(t *testing.T) {
	pid := os.Getpid()
	sink := make([]byte, 8<<20)
	for i := range sink {
		sink[i] = byte(i) // touch every page, so that it is resident
	}
	for start := rusageCPU(t); rusageCPU(t)-start < 50*time.Millisecond; {
	}
	want := rusageCPU(t)
	const slack = 30 * time.Millisecond // three clock ticks

	rss, err := rssBytes(pid)
	if err != nil || rss < int64(len(sink)) {
		t.Errorf("rssBytes: got %d, %v; want at least %d", rss, err, len(sink))
	}
	if got, err := cpuTicks(pid); err != nil || got < want-slack || got > want+slack {
		t.Errorf("cpuTicks: got %v, %v; want %v ± %v", got, err, want, slack)
	}
	if got, err := cpuSched(pid); err != nil || got < want-slack {
		t.Errorf("cpuSched: got %v, %v; want at least %v", got, err, want-slack)
	}
	if got, err := contextSwitches(pid); err != nil || got <= 0 {
		t.Errorf("contextSwitches: got %d, %v; want > 0", got, err)
	}
	if _, err := statusField("/proc/self/status", "NoSuchKey"); err == nil {
		t.Error("statusField found a key that does not exist")
	}
	_ = sink[len(sink)-1]
}

func TestSNMPField(t *testing.T) {
	text := "Ip: Forwarding DefaultTTL\nIp: 1 64\n" +
		"Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors\n" +
		"Udp: 2346 0 80 2346 80 0\nUdpLite: InDatagrams RcvbufErrors\nUdpLite: 0 0\n"
	if n, err := snmpField(text, "Udp", "RcvbufErrors"); err != nil || n != 80 {
		t.Errorf("Udp RcvbufErrors = %d, %v; want 80", n, err)
	}
	if n, err := snmpField(text, "Udp", "InDatagrams"); err != nil || n != 2346 {
		t.Errorf("Udp InDatagrams = %d, %v; want 2346", n, err)
	}
	if _, err := snmpField(text, "Tcp", "RetransSegs"); err == nil {
		t.Error("a missing protocol: no error")
	}
}

func TestStatColumnSum(t *testing.T) {
	text := "entries  allocs   destroys table_fulls\n" +
		"00000003 0000daad 0000eb79 0000000a\n" +
		"00000003 0000e94c 0000d880 00000105\n"
	if n, err := statColumnSum(text, "table_fulls"); err != nil || n != 0x10f {
		t.Errorf("table_fulls = %d, %v; want %d", n, err, 0x10f)
	}
	if n, err := statColumnSum(text, "entries"); err != nil || n != 6 {
		t.Errorf("entries = %d, %v; want 6", n, err)
	}
	for _, bad := range []string{
		"",                                // no header
		"entries allocs\n1 2\n",           // no such column
		"entries table_fulls\n00000001\n", // a row cut short
		"entries table_fulls\n1 zz\n",     // not hexadecimal
	} {
		if _, err := statColumnSum(bad, "table_fulls"); err == nil {
			t.Errorf("statColumnSum(%q): no error", bad)
		}
	}
}

// A count that could not be read at either end stays unknown.
func TestServerLossSince(t *testing.T) {
	l0 := serverLoss{rcvbuf: 2, neighFull: 10}
	if got := (serverLoss{rcvbuf: 5, neighFull: 40}).since(l0); got != (serverLoss{rcvbuf: 3, neighFull: 30}) {
		t.Errorf("since = %+v, want {3 30}", got)
	}
	if got := (serverLoss{rcvbuf: 5, neighFull: -1}).since(l0); got.neighFull != -1 {
		t.Errorf("since from an unknown count = %d, want -1", got.neighFull)
	}
	if got := (serverLoss{rcvbuf: 5, neighFull: 40}).since(serverLoss{neighFull: -1}); got.neighFull != -1 {
		t.Errorf("since to an unknown count = %d, want -1", got.neighFull)
	}
}
