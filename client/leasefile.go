package client

import (
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
// atomically on every change (SPEC §7, §13: rewritten, not appended). It
// is shared by every runner of a daemon.
//
// The writes of runners that change the database at once are grouped: a
// change returns once a save that holds it is on disk, and one save
// holds every change made before it began. A thousand interfaces bound
// together thus cost a few rewrites of the file, not a thousand rewrites
// and two thousand fsyncs of a file that grows with each (issue 14).
type FileStore struct {
	store *lease.Store
	now   func() time.Time

	mu      sync.Mutex // guards file and changes
	file    *lease.File
	changes uint64 // changes made to file so far

	saveMu  sync.Mutex // held by the save in progress; guards saved, saveErr
	saved   uint64     // changes the last save held
	saveErr error      // the last save's error
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
	return s.commit()
}

// Forget removes iface's blocks for l's address and saves the file.
func (s *FileStore) Forget(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	s.file.Leases = slices.DeleteFunc(s.file.Leases, func(e lease.Entry) bool {
		return e.Interface == iface && e.Name == "" && e.Lease != nil && e.Lease.Addr == l.Addr
	})
	return s.commit()
}

// Save writes the current database, as ISC does at every start.
func (s *FileStore) Save() error {
	s.mu.Lock()
	return s.commit()
}

// commit counts the change just made under s.mu, releases s.mu and
// returns once a save holding the change is done, with that save's
// error. It saves itself unless a save that began after the change has
// already written it; saves run one at a time.
func (s *FileStore) commit() error {
	s.changes++
	mine := s.changes
	s.mu.Unlock()
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if s.saved >= mine {
		return s.saveErr
	}
	s.mu.Lock()
	snap, upTo := s.snapshot(), s.changes
	s.mu.Unlock()
	s.saved, s.saveErr = upTo, s.store.Save(snap)
	return s.saveErr
}

// snapshot is a copy of the database that later changes leave alone:
// the list of entries is copied, and a change replaces a lease or the
// DUID and never modifies one in place. Called with s.mu held.
func (s *FileStore) snapshot() *lease.File {
	f := *s.file
	f.Leases = slices.Clone(s.file.Leases)
	return &f
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
	if duid := s.file.DefaultDUID; duid != nil {
		s.mu.Unlock()
		return duid, nil
	}
	duid := create()
	s.file.DefaultDUID = duid
	return duid, s.commit()
}
