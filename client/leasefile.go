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
// atomically after changes (SPEC §7, §13: rewritten, not appended), at
// most once per leaseWriteGap: a change within the gap is written, with
// any others, when the gap ends (nextLeaseWrite), and Flush writes what
// is left before the daemon ends. It is shared by every runner of a
// daemon.
type FileStore struct {
	store *lease.Store
	now   func() time.Time
	// Log receives the errors of deferred writes, which have no caller to
	// return them to; nil discards them.
	Log *slog.Logger

	mu   sync.Mutex
	file *lease.File
	// lastWrite is when the last write caused by a change started; dirty
	// says the file lags behind file, and deferred is the timer of the
	// write that will catch it up.
	lastWrite time.Time
	dirty     bool
	deferred  *time.Timer
}

var _ LeaseStore = (*FileStore)(nil)

// NewFileStore returns a store writing f to s.
func NewFileStore(s *lease.Store, f *lease.File) *FileStore {
	if f == nil {
		f = &lease.File{}
	}
	return &FileStore{store: s, file: f, now: time.Now}
}

// Persist records l as iface's active lease and saves the file. Earlier
// blocks of iface are kept only while unexpired and for another address:
// ISC's alternatives, tried at TIMEOUT (reference §5.1).
func (s *FileStore) Persist(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	kept := s.file.Leases[:0:0]
	for _, e := range s.file.Leases {
		if e.Interface == iface && e.Name == "" &&
			(e.Lease == nil || e.Lease.Addr == l.Addr || e.Lease.ExpiredAt(now)) {
			continue
		}
		kept = append(kept, e)
	}
	s.file.Leases = append(kept, lease.Entry{Interface: iface, Lease: l.Clone()})
	return s.changed()
}

// Forget removes iface's blocks for l's address and saves the file.
func (s *FileStore) Forget(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file.Leases = slices.DeleteFunc(s.file.Leases, func(e lease.Entry) bool {
		return e.Interface == iface && e.Name == "" && e.Lease != nil && e.Lease.Addr == l.Addr
	})
	return s.changed()
}

// changed writes the file after a change, now or, within leaseWriteGap
// of the last such write, when the gap ends. Called with s.mu held.
func (s *FileStore) changed() error {
	s.dirty = true
	now := s.now()
	at := nextLeaseWrite(s.lastWrite, now, leaseWriteGap)
	if at.After(now) {
		if s.deferred == nil {
			s.deferred = time.AfterFunc(at.Sub(now), s.writeDeferred)
		}
		return nil
	}
	s.lastWrite = now
	return s.save()
}

// writeDeferred is the write changed put off.
func (s *FileStore) writeDeferred() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deferred = nil
	if !s.dirty {
		return
	}
	s.lastWrite = s.now()
	if err := s.save(); err != nil && s.Log != nil {
		s.Log.Error("write lease file", "err", err)
	}
}

// save writes the database and cancels a write put off; a failed write
// leaves the file to the next change or Flush. Called with s.mu held.
func (s *FileStore) save() error {
	if s.deferred != nil {
		s.deferred.Stop()
		s.deferred = nil
	}
	err := s.store.Save(s.file)
	s.dirty = err != nil
	return err
}

// Flush writes the changes a write put off has not written yet: the
// daemon calls it before it ends, so the file holds the lease in use.
func (s *FileStore) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty {
		return nil
	}
	return s.save()
}

// Save writes the current database, as ISC does at every start.
func (s *FileStore) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.save()
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
// create() and saves the file at once: a daemon restarted before its next
// lease must send the same identifier. It holds the store's lock, so a
// reload that asks for the DUID never writes the file's contents while a
// runner saves them. The error is the save's; the DUID is good anyway.
func (s *FileStore) DUID(create func() []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file.DefaultDUID != nil {
		return s.file.DefaultDUID, nil
	}
	s.file.DefaultDUID = create()
	return s.file.DefaultDUID, s.save()
}
