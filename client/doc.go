// Package client is the daemon around the state machine. A Daemon is one
// dhclient process: it assembles a Runner per interface from the
// Options, the configuration and the lease file, runs them under a
// Manager, and runs beside them the watchers that feed them events. A
// Runner carries out what its statemachine.Machine decides; a Backend
// answers the control socket; FileStore keeps the lease file.
//
// client never touches the kernel and never imports platform. What it
// needs from the system it declares: Link and Conn (link.go) for one
// interface's sockets and addresses, Hooks (hooks.go) for the script,
// LeaseStore (leasefile.go), and System (system.go) for the rest: the
// link and sleep watches, sd_notify, host and interface names. cmd fills
// them from platform, and tests with clienttest fakes.
//
// # One dhclient process
//
// cmd/dhclient parses ISC's flags into Options, applies ISC's daemon
// rule, and fills System, Log, Hangup (SIGHUP) and Detach from platform
// and the process's signals; the rest is here. Daemon.LoadConfig is the first read of
// the configuration file, whose problems go to stderr (and reload's to
// the log, through the same loader); CheckConfig is dhclient -t.
// Daemon.Main is Run as the process: it writes the pid file where ISC
// does and calls Detach, which in the daemon-mode child tells the
// waiting parent its exit status, once (daemon_main.go). Leave is
// dhclient -r and -x.
//
// # Where a machine's configuration comes from
//
// client/config reads the file into one Config, whose settings are
// declared once, in its table of settings (defaults included). For each
// interface the Daemon takes Config.ForHost(name, ...), the global
// settings with the interface's laid over them, and MachineConfig turns them into the
// statemachine.Config the Runner's Machine gets (daemon_assemble.go),
// adding what the command line says (-1, -s, -p, --decline-wait-time).
// A SIGHUP reload (daemon_reload.go) builds new machine configurations
// the same way and hands them to the runners (Manager.Reconfigure), which
// keep their leases; the settings of the kernel side, the hooks and the
// watchers take effect at the next start.
//
// # How events flow
//
// Packets, timer expiries, carrier changes, suspend and resume, control
// requests and hook results all become statemachine Events for one
// interface's runner, which steps its machine with time.Now and carries
// out the Actions in order (actions.go): sending, arming its one timer,
// configuring the interface through its Link, saving the lease through
// the LeaseStore, and queueing a hook call, whose exit status comes back
// as a HookResult event.
//
// # Goroutines and who owns what
//
//   - Daemon.Run's goroutine assembles everything before any other
//     starts, so the Daemon's fields are read-only afterwards; then it
//     waits in Manager.Run, which runs each runner on a goroutine of its
//     own and returns when all have ended.
//   - The runner goroutine (Runner.Run) owns its Machine, its timer and
//     its sockets. It alone calls Machine.Step. It blocks on nothing but
//     its own select, except in configure-interface script mode, where
//     it waits for each hook's result (SPEC §6.5), which hook-timeout
//     bounds, and before its first step, until the Daemon's StartPacer
//     lets it start: a daemon on more than 64 interfaces starts the
//     rest 500 a second (pacer.go). A LinkUp that restarts the machine
//     waits for a turn too, in the select (runner_linkup.go).
//   - The broadcast socket, which receives every DHCP reply on the link,
//     has a reader goroutine (socket.go) that drops what cannot be a
//     reply in the open exchange (prefilter.go: the xid of the last
//     message sent, matched by the kernel filter too), decodes the rest
//     and hands them as Received events to the runner's rx channel, of
//     capacity one: while the runner is busy, the datagrams behind wait
//     in the socket. It blocks only on that channel, and ends when the
//     socket closes or the runner ends. In BOUND the socket is muted and
//     its reader ends, unless forcerenew is on (a DHCPFORCERENEW carries
//     the server's xid: the match is lifted); the next send has it
//     listen again with a new reader (socket.go, socket_quiet.go,
//     Machine.Listening). Both goroutines
//     wait in frames kept small, so that the collector can halve their
//     stacks to 4 KiB when idle (Runner.next). The socket bound to the leased address only sends
//     (Sender): its replies arrive on the broadcast socket too, as on
//     ISC's LPF socket. An ARP probe runs on a goroutine of its own and
//     delivers its result the same way.
//   - Hooks run on the interface's hooks.Queue goroutine, one call at a
//     time in submission order; the goroutine runs only while calls are
//     queued, so an idle interface holds none. The runner submits without waiting and
//     the result comes back through Runner.post: an inbox guarded by a
//     mutex plus a wake-up channel of capacity one, so posting never
//     blocks, whichever goroutine posts.
//   - The Daemon's watchers run on goroutines that Run starts and joins
//     (daemon.go startWatchers), each ending with Run's context:
//     signalReady (OnReady, READY=1), serveControl (the control socket,
//     whose connection and subscription goroutines it joins before it
//     returns), notifyStatus (STATUS=, woken by a Manager observer
//     through a channel of capacity one), watchdog (WATCHDOG=1 while
//     every runner answers a ping), watchLinks (owns the carrier state of
//     every interface, which outlives a failed subscription), watchSleep
//     (pauses every runner and flushes the hook queues before a suspend)
//     and reloadOnHangup (builds new machine configurations on SIGHUP). A
//     watch whose subscription fails is started again after a growing
//     delay (daemon_watch.go resubscribe).
//
// The lease file's contents belong to FileStore and are touched only
// under its lock: runners save through it, and a reload creates the DUID
// through it (FileStore.DUID). The file is written by a goroutine of the
// store's, started for a change (or by a timer, when the change falls
// within leaseWriteGap of the last write): a runner's Persist returns at
// once, and the address is configured while the disk is written. The
// text is made under the lock and written outside it, one write at a
// time. Readiness and Run's return wait for what is left (Flush). A
// Runner's Status is guarded by its own mutex.

// # Who may block whom
//
// Nothing a runner waits on waits on the runner. Watchers and control
// requests hand events to runners (Manager.Send, SendWait, Reconfigure,
// Ping) and wait at most until the runner takes them or has ended; the
// runner never waits for a watcher, the control socket or (outside
// script mode) a hook. A slow hook delays only its own interface's
// hooks; a suspend waits for the pause and its STOP hooks.
//
// On shutdown (SIGTERM) each runner drops the hook calls not yet started
// and ends the running one as a timed-out one (Hooks.DropPending), as ISC
// dhclient, which runs its script inline, has no backlog to finish and
// stops waiting for its script, and ends; then Run sends STOPPING=1, cancels the
// watchers and waits for them, and closes the hook queues, letting the
// calls still queued (FAIL under -1, RELEASE) run. When Run returns, no
// goroutine it started is left.
package client
