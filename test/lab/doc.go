// Package lab builds throwaway network labs for end-to-end tests: a server
// and a client network namespace joined by veth pairs, DHCP servers
// (dnsmasq, ISC dhcpd, Kea or the scriptable fakeserver) started with their
// own configuration and lease files in the server namespace, and helpers
// to run and watch processes in either namespace.
//
// Every name is random (namespaces leased-<hex>, interfaces of at most
// IFNAMSIZ-1 characters), so labs of parallel tests and test binaries never
// collide, and t.Cleanup removes everything a lab made.
//
// A lab needs root and network namespace support. Without them, Require
// skips the test with a loud reason, unless LEASED_E2E=required, which
// makes that a failure (CI sets it).
package lab
