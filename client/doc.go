// Package client is the daemon around the state machine: one Runner per
// interface carries out what its statemachine.Machine decides, a Manager
// holds the runners of one process, a Backend answers the control socket,
// and FileStore keeps the lease file. The kernel is reached only through
// the ports of ports.go (Conn, Link, Hooks, LeaseStore), which cmd fills
// with platform and tests with clienttest fakes.
//
// # Goroutines and who owns what
//
//   - The runner goroutine (Runner.Run) owns its Machine, its timer and its
//     sockets. It alone calls Machine.Step, with time.Now, and carries out
//     the actions in order (actions.go). It blocks on nothing but its own
//     select.
//   - Each socket has a reader goroutine (socket.go) that hands datagrams
//     to the runner's rx channel; it blocks only on that channel, and
//     ends when the socket closes or the runner ends.
//   - An ARP probe runs on a goroutine of its own and delivers its
//     ProbeResult through the events channel, or gives up when the runner
//     ends.
//   - Hooks run on the interface's hooks.Queue goroutine, one call at a
//     time in submission order. The runner submits without waiting (the
//     backlog is unbounded, no call is skipped) and the result comes back
//     through Runner.post: an inbox guarded by a mutex plus a wake-up
//     channel of capacity one, so posting never blocks, whichever
//     goroutine posts — the runner's own included, when no script runs.
//     In configure-interface script mode the runner waits for each result
//     instead, since the script configures the interface (SPEC §6.5); the
//     queue never waits on the runner, so that wait always ends, within
//     hook-timeout.
//   - Control requests (renew, release, pause, status) reach the runner
//     through its events and ctl channels; senders give up when the
//     runner has ended (done).
//
// Nothing the runner waits on waits on the runner: a slow hook delays
// only its own interface's hooks, and a stopping daemon drops the hook
// calls not yet started (Hooks.DropPending), as ISC dhclient, which runs
// its script inline, has no backlog to finish.
package client
