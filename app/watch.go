package app

import (
	"context"
	"time"

	"otklik/app/notify"
	"otklik/data"
)

// NewWatcher builds the overdue watcher over this store. Its counts reach the
// window and the tray as EventCounts; run it with Run(ctx) and wait for it
// before Close.
func (a *App) NewWatcher(n notify.Notifier, opts notify.Options) *notify.Watcher {
	if opts.Clock == nil {
		opts.Clock = a.now
	}
	if opts.Logger == nil {
		opts.Logger = a.log
	}
	user := opts.OnChange
	opts.OnChange = func(c notify.Counts) {
		if user != nil {
			user(c)
		}
		a.publish(Event{Kind: EventCounts})
	}
	return notify.New(watchSource{a}, n, opts)
}

// watchSource is the watcher's view of the store.
type watchSource struct{ a *App }

// dueBatch bounds each read; the watcher's queries use the partial indexes
// on open messages, so paging through thousands stays cheap.
const dueBatch = 500

func (s watchSource) DueBefore(ctx context.Context, until time.Time) ([]notify.Due, error) {
	db, err := s.a.store()
	if err != nil {
		return nil, err
	}
	now := s.a.now()
	var out []notify.Due
	filters := []data.Filter{{Overdue: true, Now: now}}
	if until.After(now) {
		filters = append(filters, data.Filter{DueSoon: until.Sub(now), Now: now})
	}
	for _, f := range filters {
		var after data.Cursor
		for {
			items, err := db.ListDeadlines(ctx, f, after, dueBatch)
			if err != nil {
				return nil, err
			}
			for _, m := range items {
				out = append(out, s.due(m))
			}
			if len(items) < dueBatch {
				break
			}
			after = items[len(items)-1].Cursor()
		}
	}
	return out, nil
}

func (s watchSource) due(m data.Deadline) notify.Due {
	d := notify.Due{MessageID: m.ID, Platform: m.Platform, AnswerDue: m.AnswerDue, Created: m.CreatedAt}
	if m.FirstResponseAt.IsZero() {
		d.FirstResponseDue = m.FirstResponseDue
	}
	if mu, ok := s.a.tagger.Municipality(m.District); ok {
		d.District, d.DistrictIn = mu.Short, mu.In()
	}
	return d
}

func (s watchSource) MarkNotified(ctx context.Context, marks []notify.Mark, at time.Time) ([]bool, error) {
	db, err := s.a.store()
	if err != nil {
		return nil, err
	}
	dm := make([]data.NotifyMark, len(marks))
	for i, m := range marks {
		dm[i] = data.NotifyMark{MessageID: m.MessageID, Threshold: m.Threshold}
	}
	return db.MarkNotified(ctx, dm, at)
}
