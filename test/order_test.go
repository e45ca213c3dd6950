//go:build linux

package e2e

import "strings"

// inOrder reports whether text (a log) holds each of steps, each one
// after the end of the one before: the order of events, which unlike
// the time between them does not depend on how busy the machine is.
func inOrder(text string, steps ...string) bool {
	for _, s := range steps {
		_, after, ok := strings.Cut(text, s)
		if !ok {
			return false
		}
		text = after
	}
	return true
}
