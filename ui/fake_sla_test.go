package ui

import (
	"context"
	"fmt"
	"time"

	"otklik/app/notify"
	"otklik/app/sla"
)

// fakeSLA holds what the fake core keeps for the deadline settings; the
// fields are guarded by fakeCore.mu.
type fakeSLA struct {
	rules    sla.Rules // nil means the shipped defaults
	watch    WatchSettings
	watching bool
}

// Rules implements Core.
func (c *fakeCore) Rules() sla.Rules {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sla.rules == nil {
		return sla.DefaultRules()
	}
	return append(sla.Rules(nil), c.sla.rules...)
}

// SetRules implements Core: it validates like the core and records the call.
func (c *fakeCore) SetRules(_ context.Context, rules sla.Rules) error {
	if err := rules.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sla.rules = append(sla.Rules(nil), rules...)
	c.calls = append(c.calls, fmt.Sprintf("SetRules %d", len(rules)))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return nil
}

// WatchSettings implements Core.
func (c *fakeCore) WatchSettings(context.Context) (WatchSettings, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sla.watch, nil
}

// SetWatchSettings implements Core.
func (c *fakeCore) SetWatchSettings(_ context.Context, s WatchSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sla.watch = s
	c.calls = append(c.calls, "SetWatchSettings")
	c.mu.Unlock()
	c.Publish(Event{Kind: EventCounts})
	return nil
}

// Snooze implements Core.
func (c *fakeCore) Snooze(_ context.Context, until time.Time) error {
	c.mu.Lock()
	c.sla.watch.SnoozedUntil = until
	c.calls = append(c.calls, "Snooze "+until.Format(time.RFC3339))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventCounts})
	return nil
}

// RunWatcher implements Core: the fake has no deadlines to watch, so it
// only marks itself running until ctx ends.
func (c *fakeCore) RunWatcher(ctx context.Context, _ notify.Notifier, _ notify.Options) error {
	c.mu.Lock()
	c.sla.watching = true
	c.mu.Unlock()
	<-ctx.Done()
	c.mu.Lock()
	c.sla.watching = false
	c.mu.Unlock()
	return nil
}
