package lab

import (
	"errors"
	"os"
	"testing"
	"time"
)

// pollInterval is how often Until and PollUntil look again. The state the
// end-to-end tests wait for (files, kernel state, other processes' logs)
// is written by another process, with no event to wait on.
const pollInterval = 50 * time.Millisecond

// ErrTimeout is what Until returns when the condition never held.
var ErrTimeout = errors.New("timed out")

// Until calls cond every pollInterval until it returns true, or returns
// ErrTimeout once timeout has passed. The timeout only ends a wait that
// failed; no test asserts how long a wait took.
func Until(timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return ErrTimeout
		}
		time.Sleep(pollInterval)
	}
	return nil
}

// PollUntil is Until failing t with what() (the state last seen, for the
// failure message) when cond never held.
func PollUntil(t testing.TB, timeout time.Duration, cond func() bool, what func() string) {
	t.Helper()
	if Until(timeout, cond) != nil {
		t.Fatalf("after %v still waiting for %s", timeout, what())
	}
}

// ReadFile returns the content of path, "" while it does not exist yet;
// any other error fails t.
func ReadFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

// WriteFile writes content to path with mode, failing t on error.
func WriteFile(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
