package client

import (
	"slices"
	"sync"
	"time"

	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
)

// FileStore keeps the lease database in memory and rewrites the file
// atomically on every change (SPEC §7, §13: rewritten, not appended). It
// is shared by every runner of a daemon.
type FileStore struct {
	store *lease.Store
	now   func() time.Time

	mu   sync.Mutex
	file *lease.File
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
	return s.store.Save(s.file)
}

// Forget removes iface's blocks for l's address and saves the file.
func (s *FileStore) Forget(iface string, l *statemachine.Lease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file.Leases = slices.DeleteFunc(s.file.Leases, func(e lease.Entry) bool {
		return e.Interface == iface && e.Name == "" && e.Lease != nil && e.Lease.Addr == l.Addr
	})
	return s.store.Save(s.file)
}

// Save writes the current database, as ISC does at every start.
func (s *FileStore) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store.Save(s.file)
}
