package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"otklik/app/simulate"
	"otklik/data"
)

// TestSyncEndToEndAcrossSimulatorRestart is the "done when" without
// the window: the core and its engine against `otklik simulate` in-process.
// Comments arrive (with EventMessages for the list), replies reach the
// simulated networks; the simulator stops, the core says offline and keeps
// new replies queued; it starts again on the same port with its state file,
// and every reply is delivered exactly once.
func TestSyncEndToEndAcrossSimulatorRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end sync takes a few seconds")
	}
	ctx := context.Background()
	state := filepath.Join(t.TempDir(), "simulator.json")
	sim, err := simulate.Start(ctx, simulate.Options{Rate: -1, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	port := sim.Port()
	sim.Emit(10)

	a := openSyncCore(t)
	if _, err := a.AddSimulatorAccounts(ctx, sim.VKBaseURL(), sim.VKGroupID(), sim.TelegramBaseURL(), sim.ChannelID(), sim.ChatID()); err != nil {
		t.Fatal(err)
	}
	events, unsub := a.Subscribe()
	defer unsub()
	gotMessages := make(chan struct{}, 1)
	go func() {
		for ev := range events {
			if ev.Kind == EventMessages {
				select {
				case gotMessages <- struct{}{}:
				default:
				}
			}
		}
	}()
	// The backoff may grow to a minute: replies queued offline must still go
	// out as soon as the network answers again.
	stop, err := a.StartSync(ctx, SyncOptions{MinBackoff: 20 * time.Millisecond, MaxBackoff: time.Minute, OutboxPoll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	start := time.Now()
	waitFor(t, "20 comments stored", func() bool { n, _ := a.Count(ctx, Query{}); return n >= 20 })
	t.Logf("20 comments from two networks stored %v after sync started", time.Since(start).Round(time.Millisecond))
	select {
	case <-gotMessages:
	case <-time.After(5 * time.Second):
		t.Fatal("no EventMessages: the inbox list would not reload")
	}
	sum, _ := a.Summary(ctx)
	if !sum.Sync.Configured || !sum.Sync.Online {
		t.Fatalf("status bar before the stop: %+v", sum.Sync)
	}

	residentMessage := func(p data.Platform, skip int) data.Message {
		t.Helper()
		page, err := a.Inbox(ctx, Query{Filter: data.Filter{Platforms: []data.Platform{p}}}, data.Cursor{}, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if !it.FromOffice && it.Status == data.StatusNew {
				if skip == 0 {
					return it
				}
				skip--
			}
		}
		t.Fatalf("no resident's %s message left", p)
		return data.Message{}
	}
	texts := map[string]bool{}
	reply := func(m data.Message, text string) {
		t.Helper()
		if _, err := a.Reply(ctx, m.ID, text); err != nil {
			t.Fatal(err)
		}
		texts[text] = true
	}
	reply(residentMessage(data.VK, 0), "Здравствуйте! Ремонт улицы Ленина в Вязьме включён в план на июнь.")
	reply(residentMessage(data.Telegram, 0), "Спасибо за обращение, передали в администрацию Рославльского округа.")
	waitFor(t, "two replies on the simulated networks", func() bool { return len(sim.Sent()) == 2 })

	// The network goes away.
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the status bar to say offline", func() bool { s, _ := a.Summary(ctx); return !s.Sync.Online })
	reply(residentMessage(data.VK, 0), "Добрый день! Вывоз мусора на Советской в Ярцеве назначен на завтра.")
	reply(residentMessage(data.Telegram, 0), "Здравствуйте! Автобус № 3 в Сафонове вернут к прежнему расписанию с понедельника.")
	time.Sleep(time.Second) // the dispatcher tries and fails meanwhile
	sum, _ = a.Summary(ctx)
	if sum.Sync.Online || sum.Queued != 2 || sum.Failed != 0 {
		t.Fatalf("offline: online %v, %d queued, %d failed; want offline, 2 queued, 0 failed", sum.Sync.Online, sum.Queued, sum.Failed)
	}
	accs, _ := a.Accounts(ctx)
	for _, s := range accs {
		if s.Online || s.Queued != 1 || s.LastError == "" {
			t.Errorf("%s offline: online %v, %d queued, error %q", s.Account.Platform, s.Online, s.Queued, s.LastError)
		}
	}

	// The network is back, at the same address, with the same state.
	sim2, err := simulate.Start(ctx, simulate.Options{Rate: -1, StateFile: state, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer sim2.Close()
	back := time.Now()
	waitFor(t, "the queued replies delivered", func() bool { return len(sim2.Sent()) >= 4 })
	t.Logf("queued replies delivered %v after the simulator came back", time.Since(back).Round(time.Millisecond))
	waitFor(t, "the status bar to say online", func() bool { s, _ := a.Summary(ctx); return s.Sync.Online && s.Queued == 0 })
	time.Sleep(500 * time.Millisecond) // a duplicate would land meanwhile
	seen := map[string]int{}
	for _, s := range sim2.Sent() {
		seen[s.Text]++
	}
	for text := range texts {
		if seen[text] != 1 {
			t.Errorf("%q delivered %d times", text, seen[text])
		}
	}
	if len(seen) != len(texts) {
		t.Errorf("delivered %d texts, queued %d", len(seen), len(texts))
	}

	// Comments keep arriving after the restart; measure the ingest rate.
	before, _ := a.Count(ctx, Query{})
	const burst = 500
	t0 := time.Now()
	sim2.Emit(burst)
	waitFor(t, "the burst stored", func() bool { n, _ := a.Count(ctx, Query{}); return n >= before+2*burst })
	d := time.Since(t0)
	t.Logf("throughput: %d comments in %v = %.0f comments/s", 2*burst, d.Round(time.Millisecond), float64(2*burst)/d.Seconds())
}
