// Package lease reads and writes ISC dhclient's lease database,
// dhclient.leases (SPEC §7, reference §5), and holds the `lease { }` block
// parser that dhclient.conf shares for its fallback leases.
//
// Reading is tolerant, as a lease file is untrusted input that may have been
// cut short or edited: a block that cannot be understood is dropped with an
// error and reading goes on, and Parse never fails as a whole. Writing
// reproduces ISC's layout, so that ISC dhclient reads what leased writes and
// the other way round, and Store replaces the file atomically.
package lease
