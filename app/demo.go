package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"otklik/app/demo"
	"otklik/data"
	"otklik/data/sqlite"
)

// demoUser is the operator in the demo region, so «Мои» shows something.
const demoUser = "Анна Ковалёва"

// NeedsDemo reports whether the store is empty and the user has not chosen
// an empty store of their own: then the GUI starts with the demo region.
func (a *App) NeedsDemo(ctx context.Context) (bool, error) {
	db, err := a.store()
	if err != nil {
		return false, err
	}
	accs, err := db.Accounts(ctx)
	if err != nil {
		return false, err
	}
	mode, err := setting(ctx, db, settingMode)
	if err != nil {
		return false, err
	}
	return len(accs) == 0 && mode != "own", nil
}

// SeedDemo fills the store with the generated demo region and marks it as
// demo data. progress, if set, gets the number of messages written so far.
func (a *App) SeedDemo(ctx context.Context, opts demo.Options, progress func(int)) (IngestStats, error) {
	db, err := a.store()
	if err != nil {
		return IngestStats{}, err
	}
	if opts.Now.IsZero() {
		opts.Now = a.now()
	}
	// Marked first: a demo interrupted half-way is still demo data.
	if err := db.SetSetting(ctx, settingDemo, "1"); err != nil {
		return IngestStats{}, err
	}
	if u, _ := setting(ctx, db, settingUser); u == "" {
		if err := db.SetSetting(ctx, settingUser, demoUser); err != nil {
			return IngestStats{}, err
		}
	}
	sink := &demoSink{a: a, db: db, in: a.NewIngester(ctx), progress: progress}
	gerr := demo.Generate(ctx, opts, sink)
	stats, err := sink.in.Close()
	if gerr != nil {
		return stats, gerr
	}
	if err != nil {
		return stats, err
	}
	return stats, sink.saveBroadcasts(ctx)
}

// saveBroadcasts stores the broadcasts once every post is written, linking
// each to its announcement post, which the generator names by network id.
func (s *demoSink) saveBroadcasts(ctx context.Context) error {
	for i := range s.broadcasts {
		b := &s.broadcasts[i]
		if b.AnnouncementPostID == 0 && b.AnnouncementPostExternalID != "" {
			id, err := s.db.PostIDByExternal(ctx, b.AnnouncementPostExternalID)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			b.AnnouncementPostID = id
		}
		if err := s.db.SaveBroadcast(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

type demoSink struct {
	a        *App
	db       *sqlite.DB
	in       *Ingester
	n        int
	progress func(int)
	// broadcasts wait for the ingester to write their announcement posts.
	broadcasts []data.Broadcast
}

func (s *demoSink) Account(ctx context.Context, acc *data.Account) error {
	return s.db.UpsertAccount(ctx, acc)
}

func (s *demoSink) Batch(ctx context.Context, posts []data.Post, msgs []data.Message) error {
	// Deadlines follow the rules in force (Настройки), as for any ingest.
	for i := range msgs {
		msgs[i].FirstResponseDue, msgs[i].AnswerDue = time.Time{}, time.Time{}
	}
	if err := s.in.Add(0, posts, msgs, "", ""); err != nil {
		return err
	}
	s.n += len(msgs)
	if s.progress != nil {
		s.progress(s.n)
	}
	return nil
}

func (s *demoSink) Calendar(ctx context.Context, it *data.CalendarItem) error {
	return s.db.SaveCalendarItem(ctx, it)
}

func (s *demoSink) Broadcast(ctx context.Context, b *data.Broadcast) error {
	s.broadcasts = append(s.broadcasts, *b)
	return nil
}

func (s *demoSink) Template(ctx context.Context, t *data.Template) error {
	return s.db.SaveTemplate(ctx, t)
}

// ResetToEmpty replaces the demo region with an empty store of the user's
// own at the same path. It refuses to touch a store that is not demo data.
func (a *App) ResetToEmpty(ctx context.Context) error {
	if !a.IsDemo(ctx) {
		return errors.New("the store holds real data, not the demo region; nothing was removed")
	}
	old := a.db.Swap(nil)
	if old != nil {
		if err := old.Close(); err != nil {
			return err
		}
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(a.path + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("removing the demo store: %w", err)
		}
	}
	db, err := sqlite.Open(a.path)
	if err != nil {
		return err
	}
	if err := db.SetSetting(ctx, settingMode, "own"); err != nil {
		db.Close()
		return err
	}
	a.db.Store(db)
	if err := a.loadRules(ctx); err != nil {
		return err
	}
	a.publish(Event{Kind: EventReset})
	return nil
}
