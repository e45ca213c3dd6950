//go:build linux

package bench

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leased/leased/test/lab"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: USER_HZ, which
// the kernel fixes at 100 for user space on every architecture Go runs on
// (proc(5), "clock ticks").
const userHZ = 100

// rssBytes is the resident set of process pid: VmRSS of /proc/PID/status.
func rssBytes(pid int) (int64, error) {
	kb, err := statusField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS")
	return kb * 1024, err
}

// cpuTicks is the user plus system CPU time of every thread of process
// pid, alive or exited: utime and stime of /proc/PID/stat (proc(5) fields
// 14 and 15), in clock ticks of 10 ms.
func cpuTicks(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces
	// or ")", so count fields from the last ")".
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(f)+2)
	}
	var ticks int64
	for _, s := range f[11:13] { // f[0] is field 3, the state
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / userHZ, nil
}

// cpuSched is the time the live threads of process pid have spent on a
// CPU, in nanoseconds: the first field of /proc/PID/task/*/schedstat
// (Documentation/scheduler/sched-stats.rst). Ticks of 10 ms cannot
// measure a daemon that binds one interface in a few milliseconds; a Go
// program's threads live as long as it does, so none is missed.
func cpuSched(pid int) (time.Duration, error) {
	tasks, err := threads(pid, "schedstat")
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, st := range tasks {
		b, err := os.ReadFile(st)
		if err != nil {
			return 0, err
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			return 0, fmt.Errorf("parse %s: empty", st)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse %s: %w", st, err)
		}
		sum += n
	}
	return time.Duration(sum), nil
}

// threads lists the file name of every thread of process pid under
// /proc/PID/task.
func threads(pid int, name string) ([]string, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/%s", pid, name))
	if err == nil && len(tasks) == 0 {
		err = fmt.Errorf("process %d: no threads", pid)
	}
	return tasks, err
}

// contextSwitches is the number of times the threads of process pid left
// the CPU, voluntarily (to sleep: each is a wake-up to come) or not,
// summed over /proc/PID/task/*/status. /proc/PID/status alone counts the
// main thread only, and a Go program's work runs on other threads.
func contextSwitches(pid int) (int64, error) {
	tasks, err := threads(pid, "status")
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, st := range tasks {
		for _, key := range []string{"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"} {
			n, err := statusField(st, key)
			if err != nil {
				return 0, err
			}
			sum += n
		}
	}
	return sum, nil
}

// statusField is the first number of the line "key:" of a
// /proc/.../status file.
func statusField(path, key string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fs := strings.Fields(v)
		if len(fs) == 0 {
			break
		}
		n, err := strconv.ParseInt(fs[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse %s %s: %w", path, key, err)
		}
		return n, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return 0, fmt.Errorf("no %s in %s", key, path)
}

// serverLoss counts what the server's side of the lab lost, so that the
// clients' retransmissions can be told from their own faults.
type serverLoss struct {
	// rcvbuf is the UDP RcvbufErrors counter of the server's namespace:
	// datagrams its full socket dropped.
	rcvbuf int64
	// neighFull is how often the kernel's ARP table was full when an
	// entry was needed: a packet to an address without one is dropped
	// (NEIGH_CREATEFAIL), as dnsmasq's replies were in a relink of 1000
	// links (perf, skb:kfree_skb). The table and its limit (gc_thresh3,
	// 1024 by default, settable only in the first namespace) are the
	// host's, shared by every namespace: at a thousand interfaces the
	// server namespace's entries for its clients and the client
	// namespace's for the server fill it. -1 where the count cannot be
	// read: the kernel shows it only in its first namespace, which a
	// container is not in.
	neighFull int64
}

// readServerLoss reads the counters of serverLoss now.
func readServerLoss(serverNS string) (serverLoss, error) {
	rcvbuf, err := udpRcvbufErrors(serverNS)
	if err != nil {
		return serverLoss{}, err
	}
	// The calling thread's namespace, the one the benchmark started in:
	// /proc/net is the main thread's, which lab.Do may have left in a
	// lab namespace.
	b, err := os.ReadFile("/proc/thread-self/net/stat/arp_cache")
	if errors.Is(err, fs.ErrNotExist) {
		return serverLoss{rcvbuf: rcvbuf, neighFull: -1}, nil
	}
	if err != nil {
		return serverLoss{}, err
	}
	full, err := statColumnSum(string(b), "table_fulls")
	return serverLoss{rcvbuf: rcvbuf, neighFull: full}, err
}

// since is what was lost from l0 to l.
func (l serverLoss) since(l0 serverLoss) serverLoss {
	full := int64(-1)
	if l.neighFull >= 0 && l0.neighFull >= 0 {
		full = l.neighFull - l0.neighFull
	}
	return serverLoss{rcvbuf: l.rcvbuf - l0.rcvbuf, neighFull: full}
}

// statColumnSum sums column name over the rows, one a CPU, of a
// /proc/net/stat table: a header line of names, then hexadecimal values.
func statColumnSum(text, name string) (int64, error) {
	col := -1
	var sum int64
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if col < 0 {
			col = slices.Index(f, name)
			if col < 0 {
				return 0, fmt.Errorf("no column %s in %q", name, strings.TrimSpace(line))
			}
			continue
		}
		if col >= len(f) {
			return 0, fmt.Errorf("row %q has no column %s", strings.TrimSpace(line), name)
		}
		n, err := strconv.ParseInt(f[col], 16, 64)
		if err != nil {
			return 0, fmt.Errorf("column %s: %w", name, err)
		}
		sum += n
	}
	if col < 0 {
		return 0, fmt.Errorf("no header line")
	}
	return sum, nil
}

// udpRcvbufErrors is the UDP RcvbufErrors counter of the network
// namespace ns (/proc/net/snmp): datagrams the kernel dropped because a
// socket's receive buffer was full. In the server's namespace, the
// DISCOVERs the server was too slow to read.
func udpRcvbufErrors(ns string) (int64, error) {
	var b []byte
	err := lab.Do(ns, func() (err error) {
		b, err = os.ReadFile("/proc/thread-self/net/snmp")
		return err
	})
	if err != nil {
		return 0, err
	}
	return snmpField(string(b), "Udp", "RcvbufErrors")
}

// snmpField reads field of protocol proto from the text of
// /proc/net/snmp: a header line of names and a line of values, each
// starting with "Proto:".
func snmpField(text, proto, field string) (int64, error) {
	var names []string
	for line := range strings.Lines(text) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != proto+":" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i, n := range names {
			if n == field && i < len(f) {
				return strconv.ParseInt(f[i], 10, 64)
			}
		}
		break
	}
	return 0, fmt.Errorf("no %s %s in /proc/net/snmp", proto, field)
}
