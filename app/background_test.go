package app

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"otklik/app/connector"
	"otklik/app/notify"
	"otklik/data"
)

// fakeClock is the core's clock in background tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// calendarNotifier keeps what would have been shown.
type calendarNotifier struct {
	mu    sync.Mutex
	shown [][2]string
}

func (n *calendarNotifier) Notify(title, body string) error {
	n.mu.Lock()
	n.shown = append(n.shown, [2]string{title, body})
	n.mu.Unlock()
	return nil
}

func (n *calendarNotifier) all() [][2]string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([][2]string(nil), n.shown...)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBackgroundCalendarWithFakeClock(t *testing.T) {
	ctx := context.Background()
	clk := &fakeClock{t: testNow} // 15:00 MSK
	a, err := Open(ctx, Options{DBPath: filepath.Join(t.TempDir(), "otklik.db"), Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	vk := mustAccount(t, a, data.VK, "-1")
	if _, err := a.Ingest(ctx, vk.ID, []data.Post{{AccountID: vk.ID, Platform: data.VK, ExternalID: "wall-1_1",
		Text: "Губернатор побывал в Рославле на открытии поликлиники.", Kind: "photo", CreatedAt: testNow.Add(-20 * time.Hour)}}, nil); err != nil {
		t.Fatal(err)
	}
	roads := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Ремонт дорог в Сычёвке",
		Text: "Дорожники закончили ремонт улицы в Сычёвке.", PlannedAt: testNow.Add(3 * time.Hour)})
	forceStatus(t, a, &roads, CalendarApproved, "Анна Ковалёва")
	// Quiet hours 18:00–19:30 hold calendar alerts as they hold overdue ones.
	if err := a.SetWatchSettings(ctx, WatchSettings{QuietHours: notify.QuietHours{From: 18 * time.Hour, To: 19*time.Hour + 30*time.Minute}}); err != nil {
		t.Fatal(err)
	}

	n := &calendarNotifier{}
	tick := make(chan time.Time) // unbuffered: a second send returns once the first pass is done
	stop, err := a.StartBackground(ctx, BackgroundOptions{Notifier: n, Tick: tick, Location: testNow.Location()})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := a.StartBackground(ctx, BackgroundOptions{}); err == nil {
		t.Fatal("a second background loop started")
	}
	const gapText = "нарушится правило «не больше 24 часов без поста»"
	at := func(d time.Duration) {
		clk.Set(testNow.Add(d))
		tick <- clk.Now()
		tick <- clk.Now()
	}
	at(0)
	before := len(n.all())
	for _, s := range n.all() {
		if s[0] != CalendarAlertTitle || strings.Contains(s[1], gapText) {
			t.Errorf("at 15:00: %q", s)
		}
	}

	db, _ := a.store()
	queued := func() int {
		c, err := db.OutboxCount(ctx, data.OutboxQueued)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if q := queued(); q != 0 {
		t.Fatalf("%d posts queued before their time", q)
	}
	// 18:01: the approved post is due: queued once for the engine, however
	// many passes see it; the alerts wait for the quiet hours to end.
	at(3*time.Hour + time.Minute)
	if q := queued(); q != 1 {
		t.Fatalf("%d posts queued at 18:01, want 1", q)
	}
	if got, _ := a.CalendarItem(ctx, roads.ID); got.Status != CalendarScheduled {
		t.Errorf("the queued item is %q, want scheduled", got.Status)
	}
	// The engine sent it.
	if err := a.MarkCalendarPublished(ctx, roads.ID, "wall-1_2", roads.PlannedAt); err != nil {
		t.Fatal(err)
	}
	at(4 * time.Hour)
	if got := len(n.all()); got != before {
		t.Fatalf("notified during quiet hours: %q", n.all()[before:])
	}
	// 19:40: the gap after 18:00 breaks within a day: one notification.
	at(4*time.Hour + 40*time.Minute)
	shown := n.all()[before:]
	if len(shown) != 1 || shown[0][0] != CalendarAlertTitle || !strings.Contains(shown[0][1], gapText) {
		t.Fatalf("after quiet hours: %q; want one «Календарь» notification about the gap", shown)
	}
	at(4*time.Hour + 50*time.Minute)
	if got := len(n.all()); got != before+1 {
		t.Fatalf("the gap was announced again: %q", n.all()[before+1:])
	}

	// A page with the planned post arrives from the network: the item is
	// marked published without waiting for a tick.
	bridge := mustItem(t, a, data.CalendarItem{AccountID: vk.ID, Title: "Мост в Ярцеве",
		Text: "Открыли после ремонта мост через Вопь в Ярцеве: движение пустили по обеим полосам, тротуары расширили.", PlannedAt: testNow.Add(5 * time.Hour)})
	forceStatus(t, a, &bridge, CalendarScheduled, "Анна Ковалёва")
	clk.Set(testNow.Add(5*time.Hour + 10*time.Minute))
	page := connector.Page{Posts: []data.Post{{AccountID: vk.ID, Platform: data.VK, ExternalID: "wall-1_3", Kind: "post",
		Text: "Мост через Вопь в Ярцеве открыли после ремонта. Движение пустили по обеим полосам.", CreatedAt: testNow.Add(5*time.Hour + 5*time.Minute)}}}
	if _, err := a.SyncStore().IngestPage(ctx, vk.ID, page, "", ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the planned post marked published", func() bool {
		got, _ := a.CalendarItem(ctx, bridge.ID)
		return got.Status == CalendarPublished && got.RemoteID == "wall-1_3"
	})

	// Stop waits for the loop; after it another may start.
	stop()
	stop()
	stop2, err := a.StartBackground(ctx, BackgroundOptions{Tick: make(chan time.Time)})
	if err != nil {
		t.Fatalf("restart after stop: %v", err)
	}
	stop2()
}

func TestBackgroundStopsWithContext(t *testing.T) {
	a := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := a.StartBackground(ctx, BackgroundOptions{Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the background loop outlived its context")
	}
}

func TestCalendarAlertBody(t *testing.T) {
	alerts := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "Предупреждение"
		}
		return out
	}
	for _, tc := range []struct {
		n    int
		tail string
	}{
		{1, "Предупреждение"},
		{3, "Предупреждение\nПредупреждение\nПредупреждение"},
		{4, "…и ещё 1 предупреждение"},
		{6, "…и ещё 3 предупреждения"},
		{8, "…и ещё 5 предупреждений"},
		{14, "…и ещё 11 предупреждений"},
		{25, "…и ещё 22 предупреждения"},
	} {
		got := CalendarAlertBody(alerts(tc.n))
		if !strings.HasSuffix(got, tc.tail) {
			t.Errorf("%d alerts: %q, want it to end with %q", tc.n, got, tc.tail)
		}
		if lines := strings.Count(got, "\n") + 1; lines > 4 {
			t.Errorf("%d alerts: %d lines", tc.n, lines)
		}
	}
}
