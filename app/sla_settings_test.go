package app

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"otklik/app/demo"
	"otklik/app/notify"
	"otklik/app/sla"
	"otklik/data"
)

// seedSmallDemo fills a fresh store with a small demo region at testNow.
func seedSmallDemo(t *testing.T, path string) *App {
	t.Helper()
	a, err := Open(context.Background(), Options{DBPath: path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.SeedDemo(context.Background(), demo.Options{Seed: 11, Comments: 600, Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// firstMessage returns the newest message matching f.
func firstMessage(t *testing.T, a *App, f data.Filter) data.Message {
	t.Helper()
	p, err := a.Inbox(context.Background(), Query{Filter: f}, data.Cursor{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) == 0 {
		t.Fatalf("no message matches %+v", f)
	}
	return p.Items[0]
}

func TestSetRulesRecomputesOpenDeadlines(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "otklik.db")
	a := seedSmallDemo(t, path)

	open := firstMessage(t, a, data.Filter{Categories: []string{"roads"}, Statuses: []data.Status{data.StatusNew}, Platforms: []data.Platform{data.VK}})
	closed := firstMessage(t, a, data.Filter{Categories: []string{"roads"}, Statuses: []data.Status{data.StatusAnswered}})

	rules := a.Rules()
	i := slicesIndex(rules, "", "roads")
	if i < 0 {
		t.Fatal("the shipped rules have no roads rule")
	}
	rules[i].FirstResponse = sla.Duration(time.Hour)
	rules[i].Answer, rules[i].AnswerUnit = sla.Duration(2*time.Hour), sla.WorkingHours
	rules[i].Note = "Дороги: временно ускоренный срок на время паводка."

	events, unsub := a.Subscribe()
	defer unsub()
	if err := a.SetRules(ctx, rules); err != nil {
		t.Fatal(err)
	}
	a.WaitRecompute()
	if got := a.Rules(); !reflect.DeepEqual(got, rules) {
		t.Fatalf("rules in force after SetRules:\n%+v\nwant\n%+v", got, rules)
	}

	wantFirst, wantAnswer := a.clock.Deadlines(rules, open.Platform, open.Category, open.CreatedAt)
	d, err := a.Detail(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Message.FirstResponseDue.Equal(wantFirst) || !d.Message.AnswerDue.Equal(wantAnswer) {
		t.Errorf("open message %d: dues %v / %v, want %v / %v",
			open.ID, d.Message.FirstResponseDue, d.Message.AnswerDue, wantFirst, wantAnswer)
	}
	if d.Message.AnswerDue.Equal(open.AnswerDue) {
		t.Errorf("open message %d: answer due unchanged (%v) although the rule went from 5 days to 2 hours", open.ID, open.AnswerDue)
	}
	dc, err := a.Detail(ctx, closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !dc.Message.AnswerDue.Equal(closed.AnswerDue) || !dc.Message.FirstResponseDue.Equal(closed.FirstResponseDue) {
		t.Errorf("answered message %d: deadlines changed from %v to %v", closed.ID, closed.AnswerDue, dc.Message.AnswerDue)
	}
	kinds := map[string]bool{}
	for len(events) > 0 {
		kinds[(<-events).Kind] = true
	}
	if !kinds[EventMessages] || !kinds[EventCounts] {
		t.Errorf("events after the recomputation: %v, want messages and counts", kinds)
	}

	// The rules survive a restart.
	a.Close()
	b, err := Open(ctx, Options{DBPath: path, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := b.Rules(); !reflect.DeepEqual(got, rules) {
		t.Fatalf("rules after reopening:\n%+v\nwant\n%+v", got, rules)
	}
}

func TestSetRulesRejectsInvalidAndKeepsOld(t *testing.T) {
	a := openTest(t)
	before := a.Rules()
	for _, tc := range []struct {
		name string
		edit func(sla.Rules) sla.Rules
		want string
	}{
		{"no default", func(r sla.Rules) sla.Rules { return r[1:] }, "no default rule"},
		{"duplicate", func(r sla.Rules) sla.Rules { return append(r, r[len(r)-1]) }, "same platform and category"},
		{"hours as days", func(r sla.Rules) sla.Rules {
			r[0].AnswerUnit, r[0].Answer = sla.WorkingDays, sla.Duration(90*time.Minute)
			return r
		}, "whole days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := a.SetRules(context.Background(), tc.edit(a.Rules()))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %q", err, tc.want)
			}
			if !reflect.DeepEqual(a.Rules(), before) {
				t.Fatal("invalid rules replaced the rules in force")
			}
		})
	}
}

func TestWatchSettingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	s, err := a.WatchSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s != (WatchSettings{}) {
		t.Fatalf("a new store has watcher settings %+v; quiet hours must be off until set", s)
	}
	want := WatchSettings{
		QuietHours:   notify.QuietHours{From: 22 * time.Hour, To: 8*time.Hour + 30*time.Minute},
		SoonShare:    0.3,
		SnoozedUntil: testNow.Add(time.Hour).UTC(),
	}
	if err := a.SetWatchSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := a.WatchSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if err := a.Snooze(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _ = a.WatchSettings(ctx)
	want.SnoozedUntil = time.Time{}
	if got != want {
		t.Fatalf("after resuming: got %+v, want %+v", got, want)
	}

	for _, bad := range []WatchSettings{
		{SoonShare: 0.9},
		{SoonShare: 0.01},
		{QuietHours: notify.QuietHours{From: 25 * time.Hour}},
		{QuietHours: notify.QuietHours{From: 22*time.Hour + time.Second, To: time.Hour}},
	} {
		if err := a.SetWatchSettings(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if got, _ := a.WatchSettings(ctx); got != want {
		t.Fatalf("a rejected setting changed the stored ones: %+v", got)
	}
}

func TestParseWatchSettingsRejectsBrokenStore(t *testing.T) {
	for _, raw := range []string{`{`, `{"quiet_from":"25:00","quiet_to":"08:00"}`, `{"soon_share":2}`, `{"quiet_from":"22:00"}`} {
		if _, err := parseWatchSettings(raw); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}

// recordingNotifier remembers what the watcher sent.
type recordingNotifier struct {
	mu    sync.Mutex
	texts []string
}

func (r *recordingNotifier) Notify(title, body string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.texts = append(r.texts, title+": "+body)
	return nil
}

func TestRunWatcherCountsAndRestarts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	a := seedSmallDemo(t, filepath.Join(t.TempDir(), "otklik.db"))
	n := &recordingNotifier{}
	done := make(chan error, 1)
	go func() { done <- a.RunWatcher(ctx, n, notify.Options{Location: time.UTC}) }()

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	waitFor("the first check", func() bool { _, ok := a.WatchCounts(); return ok && len(n.snapshot()) > 0 })
	sum, err := a.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := a.WatchCounts()
	if c.Overdue != sum.Overdue || c.Overdue == 0 {
		t.Errorf("watcher overdue %d, status bar %d", c.Overdue, sum.Overdue)
	}
	if err := a.RunWatcher(ctx, n, notify.Options{}); err == nil {
		t.Error("a second watcher started alongside the first")
	}

	// A new due-soon share restarts the watcher with it.
	a.sla.mu.Lock()
	first := a.sla.w
	a.sla.mu.Unlock()
	if err := a.SetWatchSettings(context.Background(), WatchSettings{SoonShare: 0.5}); err != nil {
		t.Fatal(err)
	}
	waitFor("the restart", func() bool {
		a.sla.mu.Lock()
		defer a.sla.mu.Unlock()
		return a.sla.w != first && a.sla.share == 0.5
	})
	// A wider share leaves the overdue count alone and can only add due-soon ones.
	waitFor("the restarted check", func() bool { c2, ok := a.WatchCounts(); return ok && c2.Overdue == sum.Overdue })
	if c2, _ := a.WatchCounts(); c2.Overdue != sum.Overdue || c2.DueSoon < c.DueSoon {
		t.Errorf("after the restart with share 0.5: %+v, before %+v", c2, c)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunWatcher returned %v after cancel, want nil", err)
	}
	if _, ok := a.WatchCounts(); ok {
		t.Error("counts still reported after the watcher stopped")
	}
}

func (r *recordingNotifier) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.texts...)
}

func slicesIndex(rs sla.Rules, p data.Platform, category string) int {
	for i, r := range rs {
		if r.Platform == p && r.Category == category {
			return i
		}
	}
	return -1
}
