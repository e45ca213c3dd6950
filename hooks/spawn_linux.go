package hooks

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// Hooks are forked from a thread with a table of open files of its own.
//
// A fork copies the forking thread's file table, and the exec after it
// closes each copied descriptor marked close-on-exec: both cost a little
// for every descriptor. A daemon on a thousand interfaces holds two
// sockets for each, so each hook cost grew with the interfaces and the
// start-up hooks of all of them with their square: at 1000 interfaces,
// half a second to a second of CPU on two cores, taken from the server
// and the clients while they bind (issue 14). The spawner's thread
// unshares its file table (CLONE_FILES) once and keeps in it only
// /dev/null, the socket that hands it each hook's output pipe and the Go
// runtime's poller; what the daemon opens afterwards never enters it. A
// panic on that thread prints nowhere: its stderr is /dev/null too.

// A spawner forks hooks on its own locked thread. It serves one fork at
// a time, and each holds it only until the child has called exec.
type spawner struct {
	mu   sync.Mutex // one request at a time: its pipe, then its arguments
	sock *os.File   // the daemon's end of the socket that passes pipes
	reqs chan spawnRequest
	tid  int // the thread's id, for /proc/self/task/tid
}

type spawnRequest struct {
	script string
	env    []string
	done   chan spawnResult
}

type spawnResult struct {
	pid int
	err error
}

var (
	spawnerWanted atomic.Bool // StartSpawner was called
	spawnerOnce   sync.Once
	theSpawner    *spawner // set in spawnerOnce; nil when it failed
	spawnerErr    error
)

// StartSpawner starts the thread that forks every hook from then on and
// returns once it is ready; the daemon calls it on a goroutine of its
// own, and a hook forked meanwhile waits for it. The earlier, the
// smaller the table it copies and trims. Later calls do nothing and
// return the first one's error. On error (a seccomp filter may refuse
// unshare, Docker's default does), hooks fork from the calling thread.
func StartSpawner() error {
	spawnerWanted.Store(true)
	spawnerOnce.Do(func() { theSpawner, spawnerErr = newSpawner() })
	return spawnerErr
}

// fork forks script on the spawner's thread once StartSpawner has been
// called, else from the calling thread.
func fork(script string, env []string, out *os.File) (*os.Process, error) {
	if spawnerWanted.Load() && StartSpawner() == nil {
		return theSpawner.spawn(script, env, out)
	}
	return forkHere(script, env, out)
}

// newSpawner starts the spawner's thread and waits until its table is
// ready.
func newSpawner() (*spawner, error) {
	return newSpawnerFrom(func(start func()) { go start() })
}

// newSpawnerFrom is newSpawner with the goroutine that starts the
// thread chosen by run, which calls start.
func newSpawnerFrom(run func(start func())) (*spawner, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socketpair", err)
	}
	// A non-blocking file goes to the runtime's poller, which starts the
	// poller if nothing did yet: its descriptors must be in the table the
	// thread copies (runtimeOwned).
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, os.NewSyscallError("setnonblock", err)
	}
	s := &spawner{sock: os.NewFile(uintptr(fds[0]), "hook spawner"), reqs: make(chan spawnRequest)}
	ready := make(chan error, 1)
	run(func() { s.start(fds[1], ready) })
	err = <-ready
	// The thread holds its end in its own table now, or failed to.
	unix.Close(fds[1])
	if err != nil {
		s.sock.Close()
		return nil, err
	}
	return s, nil
}

// start runs serve on a locked thread other than the process's first:
// /proc/PID/fd and lsof show the first thread's table, which must stay
// the daemon's. A goroutine started while this one holds the first
// thread cannot run on it.
func (s *spawner) start(peer int, ready chan<- error) {
	runtime.LockOSThread()
	if unix.Gettid() != unix.Getpid() {
		s.serve(peer, ready)
		return
	}
	held := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		close(held)
		s.serve(peer, ready)
	}()
	<-held
	runtime.UnlockOSThread()
}

// serve runs on its locked thread for the life of the daemon. The
// thread is never unlocked once its table is its own: no other goroutine
// may run with that table, and the thread ends with the goroutine.
func (s *spawner) serve(peer int, ready chan<- error) {
	if err := unix.Unshare(unix.CLONE_FILES); err != nil {
		runtime.UnlockOSThread() // the table is still the daemon's
		ready <- os.NewSyscallError("unshare CLONE_FILES", err)
		return
	}
	null, err := trimTable(peer)
	if err != nil {
		// The thread dies with its table when the goroutine returns.
		ready <- err
		return
	}
	s.tid = unix.Gettid()
	ready <- nil
	for req := range s.reqs {
		req.done <- s.forkRequest(req, peer, null)
	}
}

// trimTable closes every descriptor of the thread's new table but peer
// and the runtime's poller, and points stdio at /dev/null, which it
// returns for hooks' stdin. The daemon's stdio may be its caller's pipes
// (ifup, cloud-init), which the caller reads to their end: the daemon
// lets go of them when it detaches (platform.ChildDetacher), and no copy
// here may hold them open.
func trimTable(peer int) (null int, err error) {
	fds, err := openDescriptors()
	if err != nil {
		return -1, err
	}
	for _, fd := range fds {
		if fd > 2 && fd != peer && !runtimeOwned(fd) {
			unix.Close(fd)
		}
	}
	null, err = unix.Open(os.DevNull, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: os.DevNull, Err: err}
	}
	for fd := range 3 {
		if fd == null {
			continue
		}
		if err := unix.Dup3(null, fd, 0); err != nil {
			return -1, os.NewSyscallError("dup3", err)
		}
	}
	return null, nil
}

// openDescriptors lists the calling thread's open descriptors, read with
// raw calls: an os.File would be offered to the runtime's poller.
func openDescriptors() ([]int, error) {
	const dir = "/proc/thread-self/fd"
	d, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(d)
	var names []string
	buf := make([]byte, 4096)
	for {
		n, err := unix.ReadDirent(d, buf)
		if err != nil {
			return nil, &os.PathError{Op: "readdirent", Path: dir, Err: err}
		}
		if n == 0 {
			break
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
	var fds []int
	for _, n := range names {
		if fd, err := strconv.Atoi(n); err == nil && fd != d {
			fds = append(fds, fd)
		}
	}
	return fds, nil
}

// runtimeOwned reports whether fd is the Go runtime's poller, an epoll
// instance or the eventfd that wakes it: the runtime uses them from
// whichever thread it runs on, this one included.
func runtimeOwned(fd int) bool {
	buf := make([]byte, 64)
	n, err := unix.Readlink("/proc/thread-self/fd/"+strconv.Itoa(fd), buf)
	if err != nil {
		return false
	}
	target := buf[:n]
	return bytes.Equal(target, []byte("anon_inode:[eventpoll]")) || bytes.Equal(target, []byte("anon_inode:[eventfd]"))
}

// forkRequest receives the request's output pipe and forks the hook
// with it as stdout and stderr, stdin /dev/null, in a new process group.
func (s *spawner) forkRequest(req spawnRequest, peer, null int) spawnResult {
	out, err := receiveFD(peer)
	if err != nil {
		return spawnResult{err: err}
	}
	defer unix.Close(out)
	pid, err := syscall.ForkExec(req.script, []string{req.script}, &syscall.ProcAttr{
		Env:   req.env,
		Files: []uintptr{uintptr(null), uintptr(out), uintptr(out)},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return spawnResult{err: &os.PathError{Op: "fork/exec", Path: req.script, Err: err}}
	}
	return spawnResult{pid: pid}
}

// spawn forks script with env on the spawner's thread, its output to
// out, and returns the running process.
func (s *spawner) spawn(script string, env []string, out *os.File) (*os.Process, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := sendFD(s.sock, out); err != nil {
		return nil, err
	}
	done := make(chan spawnResult, 1)
	s.reqs <- spawnRequest{script: script, env: env, done: done}
	res := <-done
	if res.err != nil {
		return nil, res.err
	}
	// The child is ours and not reaped yet: its pid cannot be reused.
	return os.FindProcess(res.pid)
}

// sendFD passes f's descriptor over sock (SCM_RIGHTS).
func sendFD(sock, f *os.File) error {
	out, err := f.SyscallConn()
	if err != nil {
		return err
	}
	conn, err := sock.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = out.Control(func(fd uintptr) {
		rights := unix.UnixRights(int(fd))
		werr := conn.Write(func(s uintptr) bool {
			serr = os.NewSyscallError("sendmsg", unix.Sendmsg(int(s), []byte{0}, rights, nil, 0))
			return !errors.Is(serr, unix.EAGAIN)
		})
		serr = cmp.Or(serr, werr)
	})
	return cmp.Or(err, serr)
}

// receiveFD takes the descriptor sendFD passed.
func receiveFD(sock int) (int, error) {
	oob := make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := unix.Recvmsg(sock, make([]byte, 1), oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("recvmsg", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return -1, fmt.Errorf("hook pipe: no descriptor received: %v", err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return -1, fmt.Errorf("hook pipe: no descriptor received: %v", err)
	}
	return fds[0], nil
}
