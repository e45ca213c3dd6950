package hooks

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The test binary's main goroutine keeps the process's first thread
// (runtime.LockOSThread in init), and TestMain starts a spawner from it,
// then the package's own, through which the runner's tests fork.
func init() { runtime.LockOSThread() }

// fromFirstThread is the spawner TestMain started on the first thread.
var fromFirstThread *spawner

func TestMain(m *testing.M) {
	// A spawner that kept the first thread would never return here.
	stuck := time.AfterFunc(time.Minute, func() {
		fmt.Fprintln(os.Stderr, "the spawner started on the first thread did not hand it back")
		os.Exit(1)
	})
	s, err := newSpawnerFrom(func(start func()) { start() })
	stuck.Stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "spawner from the first thread:", err)
		os.Exit(1)
	}
	fromFirstThread = s
	// The runner's tests fork their hooks as the daemon does.
	if err := StartSpawner(); err != nil {
		fmt.Fprintln(os.Stderr, "start the spawner:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// TestSpawnerLeavesFirstThread checks that a spawner started on the
// process's first thread serves from another: the first thread's table
// is the one /proc/PID/fd shows.
func TestSpawnerLeavesFirstThread(t *testing.T) {
	if fromFirstThread.tid == os.Getpid() {
		t.Fatalf("the spawner serves from the first thread, %d", os.Getpid())
	}
	hook := script(t, "exit 6")
	runOn(t, fromFirstThread.spawn, hook, nil, 6)
}

// TestSpawnerTable checks the spawner's file table: the descriptors open
// when it started are closed in it, those opened later never enter it,
// stdio is /dev/null and the runtime's poller is there under its own
// numbers.
func TestSpawnerTable(t *testing.T) {
	before := openSockets(t, 16)
	s := startSpawner(t)
	after := openSockets(t, 16)

	table := targets(t, fmt.Sprintf("/proc/self/task/%d/fd", s.tid))
	for _, fd := range append(before, after...) {
		target := targetOf(t, "/proc/self/fd", fd)
		for n, tt := range table {
			if tt == target {
				t.Errorf("the spawner's table holds the daemon's %s as %d", target, n)
			}
		}
	}
	main := targets(t, "/proc/self/fd")
	for n, target := range main {
		if target == "anon_inode:[eventpoll]" || target == "anon_inode:[eventfd]" {
			if table[n] != target {
				t.Errorf("the runtime's %s is %d in the daemon's table, %q in the spawner's", target, n, table[n])
			}
		}
	}
	for fd := range 3 {
		if table[fd] != os.DevNull {
			t.Errorf("the spawner's %d is %q, want %s: the daemon's stdio may be its caller's pipes", fd, table[fd], os.DevNull)
		}
	}
	// stdio, the socket, /dev/null and the poller's two.
	if len(table) > 7 {
		t.Errorf("the spawner's table holds %d descriptors, want at most 7: %v", len(table), table)
	}
}

// TestSpawnerForks runs hooks through a spawner: environment as given,
// output to the pipe, stdin /dev/null, a process group of their own, the
// exit status to the daemon.
func TestSpawnerForks(t *testing.T) {
	s := startSpawner(t)
	hook := script(t, `read line || echo "stdin empty"
read -r pid comm state ppid pgid rest < /proc/$$/stat
echo "pgid $pgid pid $pid x=$x"
exit 3`)
	out := runOn(t, s.spawn, hook, []string{"x=1"}, 3)
	rest, ok := strings.CutPrefix(out, "stdin empty\n")
	if !ok {
		t.Fatalf("output %q, want it to start with stdin empty", out)
	}
	var pgid, pid int
	var x string
	if _, err := fmt.Sscanf(rest, "pgid %d pid %d x=%s", &pgid, &pid, &x); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if pgid != pid || x != "1" {
		t.Errorf("pgid %d pid %d x=%s, want a group of its own and x=1", pgid, pid, x)
	}
}

// TestForkHere runs a hook the way a daemon without the spawner does.
func TestForkHere(t *testing.T) {
	hook := script(t, "echo \"x=$x\"\nexit 4")
	if out := runOn(t, forkHere, hook, []string{"x=2"}, 4); out != "x=2\n" {
		t.Errorf("output %q, want x=2", out)
	}
}

// TestSpawnerUnderCollections forks from several goroutines while the
// collector runs without pause: the runtime works on the spawner's
// thread as on any other, its poller included.
func TestSpawnerUnderCollections(t *testing.T) {
	s := startSpawner(t)
	hook := script(t, "exit 5")
	stop := make(chan struct{})
	var gc sync.WaitGroup
	gc.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				runOn(t, s.spawn, hook, nil, 5)
			}
		})
	}
	wg.Wait()
	close(stop)
	gc.Wait()
}

// runOn forks script with fork, waits for it and returns its output,
// failing t unless it exits with code. It reports with t.Error only, so
// that goroutines other than the test's may call it.
func runOn(t *testing.T, fork func(string, []string, *os.File) (*os.Process, error), script string, env []string, code int) string {
	t.Helper()
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Error(err)
		return ""
	}
	defer rd.Close()
	p, err := fork(script, env, wr)
	wr.Close()
	if err != nil {
		t.Error(err)
		return ""
	}
	st, err := p.Wait()
	if err != nil {
		t.Error(err)
		return ""
	}
	if st.ExitCode() != code {
		t.Errorf("exit code %d, want %d", st.ExitCode(), code)
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		t.Error(err)
	}
	return string(out)
}

// startSpawner starts a spawner of the test's own and ends its thread
// when the test ends.
func startSpawner(tb testing.TB) *spawner {
	tb.Helper()
	s, err := newSpawner()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		close(s.reqs)
		s.sock.Close()
	})
	return s
}

// openSockets opens n UDP sockets, closed when tb ends.
func openSockets(tb testing.TB, n int) []int {
	tb.Helper()
	var fds []int
	for range n {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			tb.Fatal(err)
		}
		fds = append(fds, fd)
	}
	tb.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	return fds
}

// targets reads the descriptors of a table, /proc/…/fd, and what each
// links to.
func targets(t *testing.T, dir string) map[int]string {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[int]string)
	for _, e := range names {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil {
			out[fd] = target
		}
	}
	return out
}

func targetOf(t *testing.T, dir string, fd int) string {
	t.Helper()
	target, err := os.Readlink(filepath.Join(dir, strconv.Itoa(fd)))
	if err != nil {
		t.Fatal(err)
	}
	return target
}

// BenchmarkFork forks /bin/true and waits for it, with 2000 sockets open
// as a daemon on a thousand interfaces has: from the spawner's thread,
// and from the calling thread as before (issue 14). cpu-ns/op is the CPU
// time of the process and its children: the copy and the closing of the
// table are charged to them, the run of /bin/true alike to both.
func BenchmarkFork(b *testing.B) {
	openSockets(b, 2000)
	s := startSpawner(b)
	for _, c := range []struct {
		name string
		fork func(string, []string, *os.File) (*os.Process, error)
	}{{"spawner", s.spawn}, {"calling thread", forkHere}} {
		b.Run(c.name, func(b *testing.B) {
			null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer null.Close()
			cpu0 := cpuTime(b)
			for b.Loop() {
				p, err := c.fork("/bin/true", nil, null)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuTime is the CPU time the process and its reaped children used.
func cpuTime(b *testing.B) time.Duration {
	var self, children unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &self); err != nil {
		b.Fatal(err)
	}
	if err := unix.Getrusage(unix.RUSAGE_CHILDREN, &children); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for _, tv := range []unix.Timeval{self.Utime, self.Stime, children.Utime, children.Stime} {
		total += time.Duration(tv.Nano())
	}
	return total
}
