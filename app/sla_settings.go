package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"otklik/app/notify"
	"otklik/app/sla"
	"otklik/data/sqlite"
)

// settingWatch keeps the watcher's settings as edited in Настройки (JSON).
const settingWatch = "sla.watch"

// DefaultSoonShare is the share of a deadline's window that counts as «скоро
// срок» when the user has not chosen one.
const DefaultSoonShare = 0.2

// Bounds of the due-soon share offered in Настройки: below 5 % the warning
// comes too late to act, above half of the window it is noise.
const (
	MinSoonShare = 0.05
	MaxSoonShare = 0.5
)

// recomputeBatch is how many messages one write transaction recomputes.
const recomputeBatch = 1000

// WatchSettings tune the overdue watcher; they are kept in the store, so a
// restart keeps quiet hours and a snooze.
type WatchSettings struct {
	// QuietHours hold notifications in a window of the laptop's local time;
	// the zero value (From == To) means none: they are off until set.
	QuietHours notify.QuietHours
	// SoonShare: a message is due soon once this share of its window is
	// left. Zero means DefaultSoonShare.
	SoonShare float64
	// SnoozedUntil holds notifications until then; zero when not snoozed.
	SnoozedUntil time.Time
}

// watchJSON is the stored form: times of day as "22:00", readable in the file.
type watchJSON struct {
	QuietFrom    string    `json:"quiet_from,omitempty"`
	QuietTo      string    `json:"quiet_to,omitempty"`
	SoonShare    float64   `json:"soon_share,omitempty"`
	SnoozedUntil time.Time `json:"snoozed_until,omitzero"`
}

// Validate reports a setting the watcher cannot use.
func (s WatchSettings) Validate() error {
	for _, d := range []time.Duration{s.QuietHours.From, s.QuietHours.To} {
		if d < 0 || d >= 24*time.Hour || d%time.Minute != 0 {
			return fmt.Errorf("quiet hours: %v is not a time of day in whole minutes", d)
		}
	}
	if s.SoonShare != 0 && (s.SoonShare < MinSoonShare || s.SoonShare > MaxSoonShare) {
		return fmt.Errorf("due-soon share %.2f: want %.2f to %.2f", s.SoonShare, MinSoonShare, MaxSoonShare)
	}
	return nil
}

// share is the due-soon share in force.
func (s WatchSettings) share() float64 {
	if s.SoonShare == 0 {
		return DefaultSoonShare
	}
	return s.SoonShare
}

func clockOf(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// ParseClock reads a time of day such as "22:00" or "8:30" as an offset from
// midnight.
func ParseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("time of day %q: want HH:MM such as 22:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func (s WatchSettings) marshal() (string, error) {
	j := watchJSON{SoonShare: s.SoonShare}
	if !s.SnoozedUntil.IsZero() {
		j.SnoozedUntil = s.SnoozedUntil.UTC()
	}
	if s.QuietHours.From != s.QuietHours.To {
		j.QuietFrom, j.QuietTo = clockOf(s.QuietHours.From), clockOf(s.QuietHours.To)
	}
	b, err := json.Marshal(j)
	return string(b), err
}

func parseWatchSettings(raw string) (WatchSettings, error) {
	var s WatchSettings
	if raw == "" {
		return s, nil
	}
	var j watchJSON
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return s, fmt.Errorf("watcher settings in the store: %w", err)
	}
	if j.QuietFrom != "" || j.QuietTo != "" {
		from, err := ParseClock(j.QuietFrom)
		if err != nil {
			return s, fmt.Errorf("watcher settings in the store: %w", err)
		}
		to, err := ParseClock(j.QuietTo)
		if err != nil {
			return s, fmt.Errorf("watcher settings in the store: %w", err)
		}
		s.QuietHours = notify.QuietHours{From: from, To: to}
	}
	s.SoonShare, s.SnoozedUntil = j.SoonShare, j.SnoozedUntil
	if err := s.Validate(); err != nil {
		return WatchSettings{}, fmt.Errorf("watcher settings in the store: %w", err)
	}
	return s, nil
}

// slaState is the running watcher and the background recomputation of
// deadlines; App embeds one.
type slaState struct {
	mu      sync.Mutex // guards the fields below and orders settings writes
	w       *notify.Watcher
	share   float64       // the running watcher's due-soon share
	restart chan struct{} // non-nil while RunWatcher runs
	cancel  context.CancelFunc
	jobs    sync.WaitGroup // recomputations in flight
}

// WatchSettings reads the watcher's settings.
func (a *App) WatchSettings(ctx context.Context) (WatchSettings, error) {
	db, err := a.store()
	if err != nil {
		return WatchSettings{}, err
	}
	raw, err := setting(ctx, db, settingWatch)
	if err != nil {
		return WatchSettings{}, err
	}
	return parseWatchSettings(raw)
}

// SetWatchSettings validates and stores the settings and applies them to a
// running watcher: quiet hours and the snooze at once, a new due-soon share
// by restarting it (what was notified is in the store, so nothing repeats).
func (a *App) SetWatchSettings(ctx context.Context, s WatchSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	a.sla.mu.Lock()
	defer a.sla.mu.Unlock()
	return a.saveWatch(ctx, s)
}

// saveWatch stores s and applies it; the caller holds a.sla.mu.
func (a *App) saveWatch(ctx context.Context, s WatchSettings) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	raw, err := s.marshal()
	if err != nil {
		return err
	}
	if err := db.SetSetting(ctx, settingWatch, raw); err != nil {
		return err
	}
	if w := a.sla.w; w != nil {
		w.SetQuietHours(s.QuietHours)
		w.Snooze(s.SnoozedUntil)
		if s.share() != a.sla.share {
			select {
			case a.sla.restart <- struct{}{}:
			default: // a restart is already pending
			}
		}
	}
	a.publish(Event{Kind: EventCounts})
	return nil
}

// Snooze holds notifications until the given time (zero resumes them) and
// remembers it across a restart. The in-app counts keep updating.
func (a *App) Snooze(ctx context.Context, until time.Time) error {
	a.sla.mu.Lock()
	defer a.sla.mu.Unlock()
	s, err := a.WatchSettings(ctx)
	if err != nil {
		return err
	}
	s.SnoozedUntil = until
	return a.saveWatch(ctx, s)
}

// RunWatcher runs the overdue watcher with the stored settings until ctx is
// cancelled, then returns nil; the caller waits for it before Close. opts
// carries the clock, language and location; the stored settings override
// its SoonShare and QuietHours. Counts reach subscribers as EventCounts.
// Notification failures are logged once by the watcher; the counts go on.
func (a *App) RunWatcher(ctx context.Context, n notify.Notifier, opts notify.Options) error {
	restart := make(chan struct{}, 1)
	a.sla.mu.Lock()
	if a.sla.restart != nil {
		a.sla.mu.Unlock()
		return errors.New("the overdue watcher is already running")
	}
	a.sla.restart = restart
	a.sla.mu.Unlock()
	defer func() {
		a.sla.mu.Lock()
		a.sla.w, a.sla.restart = nil, nil
		a.sla.mu.Unlock()
	}()
	for {
		a.sla.mu.Lock()
		s, err := a.WatchSettings(ctx)
		if err != nil {
			a.sla.mu.Unlock()
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		o := opts
		o.SoonShare, o.QuietHours = s.share(), s.QuietHours
		w := a.NewWatcher(n, o)
		w.Snooze(s.SnoozedUntil)
		a.sla.w, a.sla.share = w, s.share()
		a.sla.mu.Unlock()

		wctx, cancel := context.WithCancel(ctx)
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			select {
			case <-restart:
				cancel()
			case <-wctx.Done():
			}
		}()
		err = w.Run(wctx)
		cancel()
		<-stopped
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// WatchCounts are the running watcher's latest counts; ok is false when no
// watcher runs.
func (a *App) WatchCounts() (c notify.Counts, ok bool) {
	a.sla.mu.Lock()
	w := a.sla.w
	a.sla.mu.Unlock()
	if w == nil {
		return notify.Counts{}, false
	}
	return w.Counts(), true
}

// SetRules validates and stores the deadline rules, puts them in force for
// new messages at once and recomputes the deadlines of open messages in the
// background (WaitRecompute waits for it). A second call cancels a
// recomputation still running and starts over with the newer rules.
func (a *App) SetRules(ctx context.Context, rules sla.Rules) error {
	if err := rules.Validate(); err != nil {
		return err
	}
	var b strings.Builder
	if err := rules.WriteJSON(&b); err != nil {
		return err
	}
	db, err := a.store()
	if err != nil {
		return err
	}
	a.sla.mu.Lock()
	defer a.sla.mu.Unlock()
	if err := db.SetSetting(ctx, settingRules, b.String()); err != nil {
		return err
	}
	rules = append(sla.Rules(nil), rules...)
	a.rules.Store(&rules)
	a.startRecompute(db, rules)
	return nil
}

// startRecompute cancels a recomputation in flight and starts one for
// rules; the caller holds a.sla.mu.
func (a *App) startRecompute(db *sqlite.DB, rules sla.Rules) {
	if a.sla.cancel != nil {
		a.sla.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.sla.cancel = cancel
	a.sla.jobs.Add(1)
	go func() {
		defer a.sla.jobs.Done()
		defer cancel()
		n, err := db.RecomputeOpenDeadlines(ctx, recomputeBatch, func(d sqlite.DeadlineInput) (time.Time, time.Time) {
			return a.clock.Deadlines(rules, d.Platform, d.Category, d.CreatedAt)
		})
		switch {
		case ctx.Err() != nil: // replaced by newer rules or the store closed
		case err != nil:
			a.log.Warn("recomputing deadlines after a rule change", "err", err, "done", n)
		default:
			a.log.Info("deadlines recomputed after a rule change", "messages", n)
		}
		if n > 0 {
			a.publish(Event{Kind: EventMessages})
			a.publish(Event{Kind: EventCounts})
		}
	}()
}

// WaitRecompute waits until deadlines recomputed after SetRules are written.
func (a *App) WaitRecompute() { a.sla.jobs.Wait() }

// stopSLA cancels a recomputation in flight and waits for it; Close calls it
// before closing the store.
func (a *App) stopSLA() {
	a.sla.mu.Lock()
	if a.sla.cancel != nil {
		a.sla.cancel()
	}
	a.sla.mu.Unlock()
	a.sla.jobs.Wait()
}
