// Package fakeserver is a scriptable DHCPv4 server for tests. It hands out
// addresses from a range and answers like an ordinary RFC 2131 server, and
// a Script makes it misbehave on chosen messages: drop them, answer with a
// NAK, switch the server identifier, shorten the lease, send a malformed
// reply or answer late.
//
// The protocol logic (Server.Handle) is pure and tested without sockets;
// Serve carries it out over any net.PacketConn, and Listen opens the UDP
// socket a real link needs.
package fakeserver
