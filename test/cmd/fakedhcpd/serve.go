package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/leased/leased/test/fakeserver"
)

// serve listens on cfg.Interface and answers until ctx is done.
func serve(ctx context.Context, cfg fakeserver.Config) error {
	cfg.Log = logTimestamps{w: os.Stderr, now: time.Now}
	s, err := fakeserver.New(cfg)
	if err != nil {
		return err
	}
	conn, err := fakeserver.Listen(cfg.Interface)
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Log, "serving %v-%v on %s as %v\n", cfg.RangeStart, cfg.RangeEnd, cfg.Interface, cfg.ServerID)
	return s.Serve(ctx, conn)
}
