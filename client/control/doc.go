// Package control is the daemon's local control socket (SPEC §8): the
// newline-delimited JSON protocol described in PROTOCOL.md, a Unix-socket
// Server that checks peer credentials and withstands slow or hostile
// clients, and the Client that dhclientctl uses.
//
// The package knows nothing about the daemon itself: the daemon offers a
// Backend, and cmd/dhclient plugs the two together.
package control
