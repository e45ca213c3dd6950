// Package bench is the performance benchmark of SPEC §11. It holds only
// benchmarks, which print numbers, and unit tests of its helpers: no test
// fails because a machine is slow (STYLE: medians and ratios measured in
// one run).
//
// # make bench
//
// As root:
//
//	make bench                              # 10 runs of each measurement
//	make bench BENCH_N=30                   # more runs
//	make bench LEASED_BENCH_IFACES=1,16,64,256,1000
//
// installs what is missing with apt-get (dnsmasq-base for the server, and
// the peers: isc-dhcp-client for ISC dhclient at /sbin/dhclient,
// dhcpcd-base for dhcpcd, busybox for udhcpc), builds bin/dhclient and
// runs
//
//	go test -run '^$' -bench . -benchtime=10x ./test/bench/
//
// with LEASED_BENCH_DHCLIENT=bin/dhclient (unset, the benchmark builds
// cmd/dhclient itself). Every measurement runs in throwaway network
// namespaces (package lab) against dnsmasq on a veth pair. It prints
// four tables:
//
//   - BenchmarkBindTime: the time from a client's process start to its
//     IPv4 address on the link, seen through a netlink address
//     subscription, N rounds in which every client binds once, in turn
//     (so that a busy spell of the machine falls on all of them), each
//     bind from a flushed link and no lease: leased at its defaults,
//     with arp-check fast and on a link set down before its start (as
//     at boot: the time includes raising the link and waiting until it
//     passes packets), ISC dhclient (its script only adds the
//     address), dhcpcd at its defaults (a random start delay and an RFC
//     5227 probe) and with nodelay and noarp, and busybox udhcpc.
//     Median, minimum, maximum, the median's excess over leased's and
//     its ratio to it; below, the floor: the server's two round trips
//     from a socket already open; and the start: the time from process
//     start to exit of /bin/true and of a Go program that does nothing
//     (testdata/nop), measured as a client's bind is, the least a client
//     written in C and one written in Go take before their first packet.
//     A peer that is not installed says so in its row.
//   - BenchmarkBindRapidCommit: the same bind time for leased at its
//     defaults and with rapid-commit on, against dnsmasq with
//     dhcp-rapid-commit: one round trip instead of two (RFC 4039).
//   - BenchmarkScale: one leased daemon on K interfaces for each K of
//     LEASED_BENCH_IFACES (default 1,16,64; at most 1000): the time until
//     half and until all interfaces were bound, and then, once the
//     daemon has gone quiet, RSS (VmRSS) in total, per interface and per
//     interface added, and CPU time (utime+stime in clock ticks, and
//     exact from schedstat) in total and per interface, and the
//     DHCPDISCOVERs the daemon logged per
//     interface: above 1, retransmissions after a lost packet, with the
//     datagrams the server's full socket dropped meanwhile (UDP
//     RcvbufErrors in its namespace) and how often the host's ARP table
//     had no room for an entry, each time a packet dropped
//     (table_fulls of /proc/net/stat/arp_cache: the table and its 1024
//     entries are shared by every namespace, and a thousand clients'
//     entries in the server's and the server's in the clients' fill
//     it). Each
//     client link is a segment of its own with the server (bridge port
//     isolation) with an address reserved for it, and dnsmasq runs
//     without its lease file and logs asynchronously: scale_test.go says
//     why each is needed for the figures to measure the client. Then
//     every link loses its carrier and gets it back at once (the
//     server's ends set down, the daemon left to go quiet, and up), as
//     when a switch restarts: the time until each lease was confirmed
//     again (INIT-REBOOT, a "bound to" line each), the DHCPREQUESTs per
//     interface and the server's losses meanwhile (relink_test.go). From
//     a few hundred links on, the kernel's link watch (linkwatch)
//     reports carrier to userspace for at most 100 devices at a time,
//     the rest up to a second later, and a client end can come up
//     before the bridge port of its server end: that time then measures
//     the kernel more than the client.
//   - BenchmarkFlood: a bound daemon on one interface flooded with
//     hostile packets (truncated headers, bad cookies, overrunning
//     options, wrong and right xids with garbage, forged NAKs, another
//     chaddr, an IPv4 header claiming 64 KiB), 1000 a second, 3 s per
//     run (30 s at BENCH_N=10): its CPU share, RSS before and after and
//     the drop counters of dhclientctl status -json (issue 12). Twice:
//     by default, where a bound daemon's packet socket passes nothing,
//     and with forcerenew on, where it reads the socket.
//   - BenchmarkIdle: each client bound with a 12 hour lease and left
//     alone, one second per run: context switches of all its threads
//     (each one a wake-up), threads and RSS; and leased's RSS again
//     3 min 10 s after its start, once the Go runtime has collected on
//     its own (it does when none ran for 2 minutes), which is the
//     footprint it keeps, with the context switches until then. That
//     wait adds about three minutes to the benchmark.
//
// Processes start inside the client namespace by a fork from a thread
// that has entered it, not through ip netns exec, so that the bind time
// holds nothing but the client. dhcpcd keeps its lease and pid files in
// /var/lib/dhcpcd and /run/dhcpcd whatever its options; they carry the
// lab's random interface name and are removed after each run.
package bench
