package app

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Question groups of a big municipality take a few hundred milliseconds to
// compute, the counts a few dozen. The panel warmer groups the district of
// the next broadcast ahead of time — shortly after start and again once new
// messages have settled — so that opening «Эфир» shows the whole panel at
// once. Other districts are grouped when chosen.
const (
	warmDelay  = 3 * time.Second  // after start: let the first frame come first
	warmSettle = 30 * time.Second // after new messages: let a sync burst end
)

// StartPanelWarmer runs the warmer until ctx ends or stop is called; stop
// waits for it.
func (a *App) StartPanelWarmer(ctx context.Context) (stop func()) {
	return a.startPanelWarmer(ctx, warmDelay, warmSettle)
}

func (a *App) startPanelWarmer(ctx context.Context, delay, settle time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	events, unsubscribe := a.Subscribe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer unsubscribe()
		timer := time.NewTimer(delay)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				if e.Kind == EventMessages || e.Kind == EventReset {
					timer.Reset(settle)
				}
			case <-timer.C:
				if err := a.WarmPanel(ctx); err != nil && ctx.Err() == nil {
					slog.Warn("broadcast panel: grouping ahead of time failed", "err", err)
				}
				// Grouping a big district is a burst of its own, after the
				// window's start has settled.
				a.releaseAfter(ctx, "grouping")
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// WarmPanel groups the questions of the next broadcast's municipality over
// the default period, so the panel finds them ready. Without a planned
// broadcast it does nothing.
func (a *App) WarmPanel(ctx context.Context) error {
	b, ok, err := a.NextBroadcast(ctx)
	if err != nil || !ok || b.District == "" {
		return err
	}
	from, to := a.DefaultPeriod()
	_, _, err = a.BroadcastGroups(ctx, b.District, from, to)
	return err
}
