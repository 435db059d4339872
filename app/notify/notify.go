// Package notify watches reply deadlines and reminds the press secretary
// through the operating system's own notifications: once per message and
// threshold, grouped into one summary when several fall due together, held
// during quiet hours and snoozes, never nagging. The core implements Source
// over the store; the UI listens to OnChange for the overdue indicator.
package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"otklik/data"
)

// Notifier shows one desktop notification.
type Notifier interface {
	Notify(title, body string) error
}

// Due is an open message with at least one deadline.
type Due struct {
	MessageID        int64
	District         string // display name in the nominative, «Рославль»; "" when unknown
	DistrictIn       string // the same with a preposition, «в Рославле»
	Platform         data.Platform
	FirstResponseDue time.Time // zero when no first response is pending (already given or no rule)
	AnswerDue        time.Time // zero when no rule applies
	Created          time.Time
}

// Source gives the watcher its messages and remembers what was notified.
type Source interface {
	// DueBefore returns open messages whose first-response or answer deadline
	// falls before until, including those already overdue.
	DueBefore(ctx context.Context, until time.Time) ([]Due, error)
	// MarkNotified records that each mark's threshold was notified for its
	// message, all or none; first[i] is false if marks[i] was already
	// recorded (or its message is gone). It must survive a restart.
	MarkNotified(ctx context.Context, marks []Mark, at time.Time) (first []bool, err error)
}

// Mark is a threshold notified for a message.
type Mark struct {
	MessageID int64
	Threshold string
}

// Thresholds recorded through Source.MarkNotified.
const (
	SoonFirst     = "soon:first"
	OverdueFirst  = "overdue:first"
	SoonAnswer    = "soon:answer"
	OverdueAnswer = "overdue:answer"
)

// Counts is what the window's indicator and the tray show.
type Counts struct {
	Overdue int // open messages with a deadline passed
	DueSoon int // open messages, not overdue, within the due-soon share of a window
}

// QuietHours is a [From, To) window of local time, as offsets from midnight,
// that may cross midnight (22:00–08:00). From == To means no quiet hours.
type QuietHours struct {
	From, To time.Duration
}

// Active reports whether t (in its own location) falls within the window.
func (q QuietHours) Active(t time.Time) bool {
	if q.From == q.To {
		return false
	}
	h, m, s := t.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
	if q.From < q.To {
		return tod >= q.From && tod < q.To
	}
	return tod >= q.From || tod < q.To
}

// Options tune a Watcher; zero values take the defaults.
type Options struct {
	// Clock gives the current time; tests pass a fake. Default time.Now.
	Clock func() time.Time
	// SoonShare: a deadline is "due soon" once this share of its window
	// (from Created to the deadline) is left. Default 0.2.
	SoonShare float64
	// QuietHours are off until the user sets them.
	QuietHours QuietHours
	// Interval between checks. Default one minute.
	Interval time.Duration
	// Horizon bounds the look-ahead for due-soon deadlines. Default 14 days,
	// which with SoonShare 0.2 covers windows up to 70 days (ПОС's 30 days
	// with holidays included).
	Horizon time.Duration
	// Location is where the press secretary is: quiet hours and times in the
	// texts use it. Default time.Local.
	Location *time.Location
	// Lang of the notification texts: "ru" (default) or "en".
	Lang string
	// OnChange is called from the watcher's goroutine when the counts change,
	// and once after the first check. It must not block.
	OnChange func(Counts)
	// Logger for failures. Default slog.Default().
	Logger *slog.Logger
}

// Watcher checks deadlines on a timer. Its methods are safe for concurrent use.
type Watcher struct {
	src Source
	n   Notifier
	opt Options

	mu         sync.Mutex
	quiet      QuietHours
	snooze     time.Time
	counts     Counts
	countsSent bool

	tickMu        sync.Mutex // one check at a time; guards the fields below
	notifyFailing bool       // a failure was logged; stay silent until a success
	sourceFailing bool
	// marked remembers thresholds the store has recorded, so that an item
	// overdue for days costs no store write on every tick. Only thresholds
	// still crossed are kept; the store remains the truth across restarts.
	marked map[markKey]bool
}

type markKey struct {
	id        int64
	threshold string
}

// New makes a watcher; Run starts it.
func New(src Source, n Notifier, opt Options) *Watcher {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.SoonShare <= 0 || opt.SoonShare >= 1 {
		opt.SoonShare = 0.2
	}
	if opt.Interval <= 0 {
		opt.Interval = time.Minute
	}
	if opt.Horizon <= 0 {
		opt.Horizon = 14 * 24 * time.Hour
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Watcher{src: src, n: n, opt: opt, quiet: opt.QuietHours}
}

// SetQuietHours changes the quiet hours; the zero value turns them off.
func (w *Watcher) SetQuietHours(q QuietHours) {
	w.mu.Lock()
	w.quiet = q
	w.mu.Unlock()
}

// Snooze holds notifications until the given time; the zero time ends a
// snooze. Thresholds crossed meanwhile are delivered as one summary after.
func (w *Watcher) Snooze(until time.Time) {
	w.mu.Lock()
	w.snooze = until
	w.mu.Unlock()
}

// Counts are the latest counts.
func (w *Watcher) Counts() Counts {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts
}

// Run checks at once and then every Interval until ctx is cancelled, and
// returns nil then. Failures are logged and the loop goes on.
func (w *Watcher) Run(ctx context.Context) error {
	if w.src == nil || w.n == nil {
		return errors.New("notify: watcher needs a Source and a Notifier")
	}
	t := time.NewTicker(w.opt.Interval)
	defer t.Stop()
	for {
		_ = w.Check(ctx) // logged inside
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// event is one threshold crossed for one message.
type event struct {
	due       Due
	threshold string
	deadline  time.Time
}

// Check runs one pass: counts, thresholds newly crossed, one notification.
func (w *Watcher) Check(ctx context.Context) error {
	w.tickMu.Lock()
	defer w.tickMu.Unlock()
	now := w.opt.Clock()
	items, err := w.src.DueBefore(ctx, now.Add(w.opt.Horizon))
	if err != nil {
		if ctx.Err() == nil && !w.sourceFailing {
			w.opt.Logger.Warn("notify: cannot read deadlines", "err", err)
			w.sourceFailing = true
		}
		return err
	}
	w.sourceFailing = false

	var crossed []event
	var counts Counts
	for _, d := range items {
		overdue, soon := false, false
		for _, k := range []struct {
			due           time.Time
			overdue, soon string
		}{{d.FirstResponseDue, OverdueFirst, SoonFirst}, {d.AnswerDue, OverdueAnswer, SoonAnswer}} {
			switch {
			case k.due.IsZero():
			case !now.Before(k.due):
				overdue = true
				crossed = append(crossed, event{d, k.overdue, k.due})
			case w.isSoon(d.Created, k.due, now):
				soon = true
				crossed = append(crossed, event{d, k.soon, k.due})
			}
		}
		if overdue {
			counts.Overdue++
		} else if soon {
			counts.DueSoon++
		}
	}
	w.publish(counts)

	w.mu.Lock()
	held := now.Before(w.snooze) || w.quiet.Active(now.In(w.opt.Location))
	w.mu.Unlock()
	if held {
		// Nothing is marked, so the next check after the hold finds every
		// threshold still crossed and sends them together.
		return nil
	}
	var fresh []event
	marked := make(map[markKey]bool, len(crossed))
	var todo []event
	var marks []Mark
	for _, e := range crossed {
		key := markKey{e.due.MessageID, e.threshold}
		if w.marked[key] {
			marked[key] = true
			continue
		}
		todo = append(todo, e)
		marks = append(marks, Mark{MessageID: e.due.MessageID, Threshold: e.threshold})
	}
	first, markErr := w.src.MarkNotified(ctx, marks, now)
	if markErr == nil {
		for i, e := range todo {
			marked[markKey{e.due.MessageID, e.threshold}] = true
			if first[i] {
				fresh = append(fresh, e)
			}
		}
	}
	w.marked = marked
	if markErr != nil && ctx.Err() == nil {
		w.opt.Logger.Warn("notify: cannot record a notification", "err", markErr)
	}
	if len(fresh) == 0 {
		return markErr
	}
	title, body := compose(w.opt.Lang, fresh, counts, now, w.opt.Location)
	if err := w.n.Notify(title, body); err != nil {
		if !w.notifyFailing {
			w.opt.Logger.Warn("notify: desktop notification failed; counts in the window still update", "err", err)
			w.notifyFailing = true
		}
		return errors.Join(markErr, err)
	}
	w.notifyFailing = false
	return markErr
}

func (w *Watcher) isSoon(created, due, now time.Time) bool {
	if created.IsZero() || !due.After(created) {
		return false
	}
	window := float64(due.Sub(created))
	return float64(due.Sub(now)) <= window*w.opt.SoonShare
}

func (w *Watcher) publish(c Counts) {
	w.mu.Lock()
	changed := !w.countsSent || c != w.counts
	w.counts, w.countsSent = c, true
	w.mu.Unlock()
	if changed && w.opt.OnChange != nil {
		w.opt.OnChange(c)
	}
}
