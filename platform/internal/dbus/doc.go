// Package dbus is a minimal D-Bus client, written for the sleep watcher
// of package platform (logind's PrepareForSleep signal and a delay
// inhibitor lock) rather than as a general library. It holds just what
// the watcher needs, so that the daemon's binary stays small.
//
// Transport and authentication: the unix transport only, with path= or
// abstract= addresses tried in order (D-Bus Specification, "Server
// Addresses"), which is how every system bus listens. The client
// authenticates with EXTERNAL as its numeric uid, so that no user
// database is read, and negotiates descriptor passing, which the
// inhibitor lock needs.
//
// Messages: a Conn sends method calls and waits for their replies
// (method returns and errors), queues the signals of one subscription,
// and answers the method calls peers send it: Peer.Ping with an empty
// return, anything else with UnknownMethod. Messages of either byte order
// are read; they are sent little-endian.
//
// Signatures: arguments are of the basic types y, b, u, s, o and g, and
// h in replies, which pass their descriptors on. Containers, variants and
// the other integer types are refused, in arguments and in the known
// header fields; unknown header fields of basic types are skipped, as the
// specification requires.
//
// Size: a message over 64 KiB is skipped unread, its descriptors closed,
// and the connection stays in step. Everything the watcher exchanges with
// the bus and logind is a few hundred bytes, while the specification's
// limit of 128 MiB would let any local peer make the daemon buffer that
// much. Each sender's queued signals are bounded for the same reason.
//
// The codec is pure and builds on every OS, so that FuzzDBusMessage runs
// anywhere; the connection (Dial, Conn) is built on Linux only.
package dbus
