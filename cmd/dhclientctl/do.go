package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/leased/leased/client/control"
)

// do sends req where it belongs and prints the outcome.
func (c *cli) do(ctx context.Context, req control.Request) error {
	socks, err := c.sockets()
	if err != nil {
		return err
	}
	if req.Interface != "" {
		s, err := c.owner(socks, req.Interface)
		if err != nil {
			return err
		}
		socks = []string{s}
	}
	if req.Verb == control.VerbWatch {
		return c.watch(ctx, socks, req)
	}
	rep, err := c.each(socks, req)
	// On error, a merged status still shows the daemons that answered.
	if rep != nil && (err == nil || c.json || len(rep.Interfaces) > 0) {
		if perr := c.show(req, rep); perr != nil {
			return perr
		}
	}
	return err
}

// each sends req to every daemon in socks and merges the replies: the
// interfaces of all, sorted by name. Daemons that fail do not stop the
// others; their errors come back joined, and the merged reply then has
// "ok": false.
func (c *cli) each(socks []string, req control.Request) (*control.Reply, error) {
	if len(socks) == 1 {
		return c.ask(socks[0], req)
	}
	merged := &control.Reply{OK: true}
	var errs []error
	for _, s := range socks {
		rep, err := c.ask(s, req)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s, err))
			continue
		}
		merged.Interfaces = append(merged.Interfaces, rep.Interfaces...)
	}
	if len(errs) == len(socks) && !c.json {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(merged.Interfaces, func(a, b control.InterfaceStatus) int { return strings.Compare(a.Name, b.Name) })
	if err := errors.Join(errs...); err != nil {
		merged.OK, merged.Error = false, err.Error()
		return merged, err
	}
	return merged, nil
}

// watch prints the events of every daemon in socks until ctx ends.
func (c *cli) watch(ctx context.Context, socks []string, req control.Request) error {
	var (
		mu   sync.Mutex
		errs = make([]error, len(socks))
		wg   sync.WaitGroup
	)
	print := func(ev control.Event) {
		mu.Lock()
		defer mu.Unlock()
		c.event(ev)
	}
	for i, s := range socks {
		wg.Go(func() {
			cl, err := c.dial(s)
			if err == nil {
				err = cl.Watch(ctx, req.Interface, print)
				cl.Close()
			}
			if err != nil && len(socks) > 1 {
				err = fmt.Errorf("%s: %w", s, err)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
