//go:build !linux

package platform

import (
	"context"
	"fmt"
)

// SleepWatcher follows logind's PrepareForSleep signal; outside Linux
// there is no logind and it cannot be created.
type SleepWatcher struct{}

// WatchSleep returns an error wrapping ErrUnsupported outside Linux.
func WatchSleep(ctx context.Context, onSleep func(suspending bool)) error {
	return WatchSleepOn(ctx, "", onSleep)
}

// WatchSleepOn returns an error wrapping ErrUnsupported outside Linux.
func WatchSleepOn(ctx context.Context, busAddress string, onSleep func(suspending bool)) error {
	return fmt.Errorf("watch sleep: %w", ErrUnsupported)
}

// NewSleepWatcher returns an error wrapping ErrUnsupported outside Linux.
func NewSleepWatcher(ctx context.Context, busAddress string) (*SleepWatcher, error) {
	return nil, fmt.Errorf("watch sleep: %w", ErrUnsupported)
}

// Run returns an error wrapping ErrUnsupported outside Linux.
func (w *SleepWatcher) Run(ctx context.Context, onSleep func(suspending bool)) error {
	return fmt.Errorf("watch sleep: %w", ErrUnsupported)
}

// Close does nothing outside Linux.
func (w *SleepWatcher) Close() error { return nil }
