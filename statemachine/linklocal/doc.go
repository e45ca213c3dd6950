// Package linklocal claims an IPv4 link-local address (RFC 3927) for an
// interface that found no DHCP server: a candidate in 169.254.1.0 –
// 169.254.254.255 chosen from the hardware address (§2.1), probed and
// announced (§2.2–§2.4), defended or given up on conflict (§2.5).
//
// Claimer is a pure state machine like statemachine.Machine: it reads no
// clock and does no I/O. The caller feeds it the time, its own deadline
// passing and the ARP packets seen on the link, and carries out the
// actions it returns (send a probe or announcement, add or remove the
// address).
package linklocal
