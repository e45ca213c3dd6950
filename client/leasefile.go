package client

import (
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
)

// LeaseStore persists leases (the dhclient.leases file).
type LeaseStore interface {
	Persist(iface string, l *statemachine.Lease) error
	// Forget removes iface's record of l (a declined lease).
	Forget(iface string, l *statemachine.Lease) error
}

// FileStore keeps the lease database in memory and rewrites the file
// atomically after changes (SPEC §7, §13: rewritten, not appended). The
// writes run on a goroutine of their own, so that a runner's Persist
// never waits for the disk: the address is configured and the hook runs
// while the lease is written, and the fsyncs are off the path from DHCPACK
// to the address (issue 14). ISC too writes its lease after the script.
// A change is written at once, or within leaseWriteGap of the last write
// caused by a change when that gap ends (nextLeaseWrite), together with
// any others; Flush writes what is left and waits for it, before the
// daemon signals readiness and before it ends (SPEC §7: a -x or SIGTERM
// right after the address appears still leaves the lease in the file).
// It is shared by every runner of a daemon.
type FileStore struct {
	store *lease.Store
	now   func() time.Time
	// Log receives the errors of writes, which have no caller to return
	// them to; nil discards them.
	Log *slog.Logger

	// writing serialises writes of the file; it is taken before mu, and
	// held while the disk is written, which mu is not.
	writing sync.Mutex

	mu   sync.Mutex
	file *lease.File
	// dirty says the file lags behind file; changed says that a lease
	// change (not only the rewrite of a start or a new DUID) is among
	// what lags. lastWrite is when the last write of a change started.
	dirty, changed bool
	lastWrite      time.Time
	// scheduled says a write will run: on a goroutine started now, or
	// when timer fires.
	scheduled bool
	timer     *time.Timer
}

var _ LeaseStore = (*FileStore)(nil)

// NewFileStore returns a store writing f to s.
func NewFileStore(s *lease.Store, f *lease.File) *FileStore {
	if f == nil {
		f = &lease.File{}
	}
	return &FileStore{store: s, file: f, now: time.Now}
}

// Persist records l as iface's active lease, and has the file written.
// Earlier blocks of iface are kept only while unexpired and for another
// address: ISC's alternatives, tried at TIMEOUT (reference §5.1). The
// error is always nil: a failed write is logged, and tried again at the
// next change or Flush.
func (s *FileStore) Persist(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	// In place: a copy per call was quadratic in the interfaces, 14 KiB
	// of garbage per interface at 256 of them.
	s.file.Leases = slices.DeleteFunc(s.file.Leases, func(e lease.Entry) bool {
		return e.Interface == iface && e.Name == "" &&
			(e.Lease == nil || e.Lease.Addr == l.Addr || e.Lease.ExpiredAt(now))
	})
	s.file.Leases = append(s.file.Leases, lease.Entry{Interface: iface, Lease: l.Clone()})
	s.markChanged()
	return nil
}

// Forget removes iface's blocks for l's address, and has the file
// written (as Persist).
func (s *FileStore) Forget(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file.Leases = slices.DeleteFunc(s.file.Leases, func(e lease.Entry) bool {
		return e.Interface == iface && e.Name == "" && e.Lease != nil && e.Lease.Addr == l.Addr
	})
	s.markChanged()
	return nil
}

// markChanged schedules the write of a lease change: now or, within
// leaseWriteGap of the last such write, when the gap ends. Called with
// s.mu held.
func (s *FileStore) markChanged() {
	s.dirty, s.changed = true, true
	now := s.now()
	s.schedule(nextLeaseWrite(s.lastWrite, now, leaseWriteGap).Sub(now))
}

// schedule has the file written after delay, unless a write is already
// scheduled: that one will write this change too. Called with s.mu held.
func (s *FileStore) schedule(delay time.Duration) {
	if s.scheduled {
		return
	}
	s.scheduled = true
	if delay <= 0 {
		go s.writeScheduled()
		return
	}
	s.timer = time.AfterFunc(delay, s.writeScheduled)
}

// writeScheduled is the write schedule arranged.
func (s *FileStore) writeScheduled() {
	if err := s.write(); err != nil && s.Log != nil {
		s.Log.Error("write lease file", "err", err)
	}
}

// write brings the file up to date with the database, if it lags, and
// cancels a scheduled write. The text is made under s.mu and written to
// disk outside it, so runners recording leases meanwhile do not wait. A
// failed write leaves the file to the next change or Flush.
func (s *FileStore) write() error {
	s.writing.Lock()
	defer s.writing.Unlock()
	s.mu.Lock()
	s.scheduled = false
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	if s.changed {
		s.lastWrite, s.changed = s.now(), false
	}
	data, err := s.store.Encode(s.file)
	s.dirty = false
	s.mu.Unlock()
	if err == nil {
		err = s.store.Replace(data)
	}
	if err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
	}
	return err
}

// Flush writes what the file lags behind and waits for writes under way:
// the daemon calls it before it signals readiness and before it ends, so
// that the file then holds the leases in use.
func (s *FileStore) Flush() error { return s.write() }

// Rewrite has the current database written, as ISC writes it at every
// start (reference §5.2): with the next write, the first lease change's,
// or else the Flush before readiness or at the end. Written at once, its
// fsyncs took the CPU a server needs to answer the first DHCPDISCOVER
// on a machine of two cores, and an interface that binds writes the file
// a few milliseconds later anyway.
func (s *FileStore) Rewrite() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dirty = true
}

// Active returns iface's active lease and its alternatives as the file
// holds them now (lease.File.Active).
func (s *FileStore) Active(iface string, now time.Time) (*statemachine.Lease, []*statemachine.Lease) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Active(iface, now)
}

// Interfaces returns the interfaces that have leases in the file.
func (s *FileStore) Interfaces() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Interfaces()
}

// DUID returns the file's default-duid, where ISC keeps the DUID of its
// RFC 4361 client identifiers. When the file has none it sets it to
// create() and has the file written at once: a daemon restarted before
// its next lease must send the same identifier. It holds the store's
// lock, so a reload that asks for the DUID never races a runner's change.
func (s *FileStore) DUID(create func() []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file.DefaultDUID != nil {
		return s.file.DefaultDUID
	}
	s.file.DefaultDUID = create()
	s.dirty = true
	s.schedule(0)
	return s.file.DefaultDUID
}
