package dbus

import (
	"strings"
	"sync"
)

// maxQueuedPerSender bounds the signals of one sender waiting to be
// handled. logind sends two per suspend (before and after), so eight is
// never reached by it, while a local peer flooding the watcher with
// unicast signals cannot grow the queue without bound nor push logind's
// signals out: each sender only fills its own share.
const maxQueuedPerSender = 8

// Match selects the signals to subscribe to: it becomes a match rule
// for the bus (D-Bus Specification, "Match Rules") and a filter on what
// arrives, which compares Path, Interface and Member exactly. Sender, if
// set, goes into the rule only: it is a well-known name, while a signal
// carries its sender's unique name, and any peer can send a signal
// straight to the connection, past the rule. The caller checks the
// sender (see Conn.NameOwner).
type Match struct {
	Sender, Path, Interface, Member string
}

// rule renders the match rule for AddMatch.
func (s Match) rule() string {
	var b strings.Builder
	b.WriteString("type='signal'")
	for _, kv := range [][2]string{
		{"sender", s.Sender}, {"path", s.Path}, {"interface", s.Interface}, {"member", s.Member},
	} {
		if kv[1] != "" {
			// Inside quotes only the apostrophe needs escaping: end
			// the quote, write \', and quote again.
			b.WriteString("," + kv[0] + "='" + strings.ReplaceAll(kv[1], "'", `'\''`) + "'")
		}
	}
	return b.String()
}

// matches reports whether the signal m is one this match selects; the
// sender is not compared (see Match).
func (s Match) matches(m *message) bool {
	return m.Type == msgSignal && m.Path == s.Path && m.Interface == s.Interface && m.Member == s.Member
}

// Signal is a signal that NextSignal returns. Its descriptors, if it
// came with any, have been closed: only replies pass them on.
type Signal struct {
	Sender    string // the unique name of the connection that sent it
	Path      string
	Interface string
	Member    string
	Signature string // the types of its arguments

	msg *message
}

func newSignal(m *message) *Signal {
	return &Signal{Sender: m.Sender, Path: m.Path, Interface: m.Interface, Member: m.Member,
		Signature: m.Signature, msg: m}
}

// Args decodes the signal's arguments by its Signature: y as byte, b as
// bool, u as uint32, and s, o and g as string. A signal's descriptors are
// closed on arrival, so an h argument is only an index of one. Any other
// type, or a body that does not match the signature, is an error.
func (s *Signal) Args() ([]any, error) { return s.msg.args() }

// signalQueue holds the signals the connection's reader has received
// until the consumer takes them, in order. The reader never waits for
// the consumer, which may itself be waiting for a method reply that only
// the reader can deliver.
type signalQueue struct {
	mu        sync.Mutex
	pending   []*message
	perSender map[string]int
	ready     chan struct{} // holds a token while pending may be non-empty
}

func newSignalQueue() *signalQueue {
	return &signalQueue{perSender: make(map[string]int), ready: make(chan struct{}, 1)}
}

// push queues m and reports whether there was room for it in its
// sender's share.
func (q *signalQueue) push(m *message) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.perSender[m.Sender] >= maxQueuedPerSender {
		return false
	}
	q.perSender[m.Sender]++
	q.pending = append(q.pending, m)
	select {
	case q.ready <- struct{}{}:
	default: // a token is already there
	}
	return true
}

// pop takes the oldest queued signal, if any.
func (q *signalQueue) pop() (*message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return nil, false
	}
	m := q.pending[0]
	q.pending[0] = nil
	q.pending = q.pending[1:]
	if q.perSender[m.Sender]--; q.perSender[m.Sender] == 0 {
		delete(q.perSender, m.Sender)
	}
	return m, true
}
