package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"otklik/app/notify"
	"otklik/app/syncer"
)

// BackgroundOptions configure StartBackground. Zero values pick the
// defaults.
type BackgroundOptions struct {
	// Notifier shows calendar alerts, the same one that shows overdue
	// replies; nil shows none (and leaves the alerts unannounced).
	Notifier notify.Notifier
	// Interval between calendar passes; default one minute.
	Interval time.Duration
	// Tick replaces the interval's ticker (tests drive a fake clock).
	Tick <-chan time.Time
	// Location is where the press secretary is, for quiet hours; default
	// time.Local.
	Location *time.Location
}

// CalendarAlertTitle is the title of calendar notifications.
const CalendarAlertTitle = "Календарь"

// bgPages signals a running background loop that the sync engine stored a
// page with posts: the calendar may find its planned posts published. It
// lives beside App, as syncStates does.
var (
	bgMu    sync.Mutex
	bgPages = map[*App]chan struct{}{}
	// wentOffline holds the accounts whose network was unreachable at the
	// last state change, per App with a running engine.
	wentOffline = map[*App]map[int64]bool{}
)

// pageIngested is called by the sync store after a page with posts is
// stored. It never blocks: one pending signal covers any number of pages.
func (a *App) pageIngested() {
	bgMu.Lock()
	ch := bgPages[a]
	bgMu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// StartBackground runs the calendar's background work until ctx ends or
// stop is called; stop waits for it, so call it before Close:
//   - after the sync engine stores a page with posts, planned items whose
//     post appeared on the network are marked published
//     (MarkPublishedFromPosts);
//   - at start and every Interval, approved items whose time has come are
//     queued for the engine (PublishDue), and the calendar's warnings that
//     break soon are announced through the notifier (CalendarAlerts), one
//     notification for all of them, held during quiet hours and a snooze.
//
// Failures are logged and retried on the next pass; they never stop the
// loop. A second StartBackground while one runs is an error.
func (a *App) StartBackground(ctx context.Context, opts BackgroundOptions) (stop func(), err error) {
	if opts.Interval <= 0 {
		opts.Interval = time.Minute
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	pages := make(chan struct{}, 1)
	bgMu.Lock()
	if bgPages[a] != nil {
		bgMu.Unlock()
		return nil, errors.New("background work is already running")
	}
	bgPages[a] = pages
	bgMu.Unlock()

	ctx, cancel := context.WithCancel(ctx)
	tick := opts.Tick
	var ticker *time.Ticker
	if tick == nil {
		ticker = time.NewTicker(opts.Interval)
		tick = ticker.C
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if ticker != nil {
				ticker.Stop()
			}
			bgMu.Lock()
			delete(bgPages, a)
			bgMu.Unlock()
		}()
		a.calendarPass(ctx, opts)
		for {
			select {
			case <-ctx.Done():
				return
			case <-pages:
				if _, err := a.MarkPublishedFromPosts(ctx); err != nil && ctx.Err() == nil {
					a.log.Warn("calendar: match published posts", "err", err)
				}
			case <-tick:
				a.calendarPass(ctx, opts)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
		})
	}, nil
}

// calendarPass queues what is due and announces new calendar warnings.
func (a *App) calendarPass(ctx context.Context, opts BackgroundOptions) {
	now := a.now()
	n, err := a.PublishDue(ctx, now)
	if err != nil && ctx.Err() == nil {
		a.log.Warn("calendar: queue due posts", "err", err)
	}
	if n > 0 {
		if st := a.syncState(); st != nil {
			st.engine.Kick(0)
		}
	}
	if opts.Notifier == nil || ctx.Err() != nil {
		return
	}
	// Held notifications are not fetched: CalendarAlerts marks what it
	// returns as announced, and a held one would be lost.
	if w, err := a.WatchSettings(ctx); err == nil {
		if now.Before(w.SnoozedUntil) || w.QuietHours.Active(now.In(opts.Location)) {
			return
		}
	}
	alerts, err := a.CalendarAlerts(ctx, now)
	if err != nil && ctx.Err() == nil {
		a.log.Warn("calendar: alerts", "err", err)
	}
	if len(alerts) == 0 {
		return
	}
	if err := opts.Notifier.Notify(CalendarAlertTitle, CalendarAlertBody(alerts)); err != nil {
		a.log.Warn("calendar: notification", "err", err, "alerts", len(alerts))
	}
}

// CalendarAlertBody is one notification's text for several alerts: the
// first ones in full, the rest counted, since a desktop notification shows
// a few lines only.
func CalendarAlertBody(alerts []string) string {
	const shown = 3
	if len(alerts) <= shown {
		return strings.Join(alerts, "\n")
	}
	rest := len(alerts) - shown
	return strings.Join(alerts[:shown], "\n") + "\n" + fmt.Sprintf("…и ещё %d %s", rest, warningsWord(rest))
}

// warningsWord is «предупреждение» in the form that follows n.
func warningsWord(n int) string {
	switch {
	case n%10 == 1 && n%100 != 11:
		return "предупреждение"
	case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
		return "предупреждения"
	}
	return "предупреждений"
}

// reconnected is called with every state change of the sync engine. When
// an account's network answers again after it could not be reached, the
// replies queued meanwhile are made due at once: their backoff grew while
// the network was away (up to minutes), and the office expects them to go
// out as soon as the connection is back.
func (a *App) reconnected(s syncer.Snapshot) {
	var back []int64
	bgMu.Lock()
	off := wentOffline[a]
	if off == nil {
		off = map[int64]bool{}
		wentOffline[a] = off
	}
	for _, st := range s.Accounts {
		switch {
		case !st.Online && !st.ErrorAt.IsZero():
			off[st.AccountID] = true
		case st.Online && off[st.AccountID]:
			delete(off, st.AccountID)
			back = append(back, st.AccountID)
		}
	}
	bgMu.Unlock()
	if len(back) == 0 {
		return
	}
	db, err := a.store()
	if err != nil {
		return
	}
	st := a.syncState()
	for _, id := range back {
		if _, err := db.ExpediteOutbox(context.Background(), id, a.now()); err != nil {
			a.log.Warn("sync: expedite the outbox after reconnecting", "account", id, "err", err)
			continue
		}
		if st != nil {
			st.engine.Kick(id)
		}
	}
}

// forgetReconnected drops the offline set when sync stops.
func (a *App) forgetReconnected() {
	bgMu.Lock()
	delete(wentOffline, a)
	bgMu.Unlock()
}
