package app

import (
	"context"
	"testing"
	"time"

	"otklik/app/simulate"
	"otklik/data"
)

// An approved post that falls due goes out through the outbox and the real
// VK connector (wall.post on the simulator), once, and the calendar marks it
// published with the network's id.
func TestCalendarPostPublishedThroughNetwork(t *testing.T) {
	ctx := context.Background()
	sim, err := simulate.Start(ctx, simulate.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	a := openSyncCore(t)
	if err := a.SetUser(ctx, "Анна Ковалёва"); err != nil {
		t.Fatal(err)
	}
	accs, err := a.AddSimulatorAccounts(ctx, sim.VKBaseURL(), sim.VKGroupID(), sim.TelegramBaseURL(), sim.ChannelID(), sim.ChatID())
	if err != nil {
		t.Fatal(err)
	}
	var vk data.Account
	for _, acc := range accs {
		if acc.Platform == data.VK {
			vk = acc
		}
	}
	const text = "В Рославле открыли после ремонта мост через Остёр на улице Ленина. Спасибо строителям, что успели до холодов!"
	it := data.CalendarItem{AccountID: vk.ID, Kind: "photo", Title: "Мост в Рославле", Text: text,
		District: "roslavl", PlannedAt: time.Now().Add(-time.Minute), Status: CalendarDraft}
	if err := a.SaveCalendarItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{CalendarReview, CalendarApproved} {
		if _, err := a.SetCalendarStatus(ctx, it.ID, st); err != nil {
			t.Fatalf("→ %s: %v", st, err)
		}
	}
	stopSync, err := a.StartSync(ctx, SyncOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, OutboxPoll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer stopSync()
	tick := make(chan time.Time)
	stopBG, err := a.StartBackground(ctx, BackgroundOptions{Notifier: &calendarNotifier{}, Tick: tick})
	if err != nil {
		t.Fatal(err)
	}
	defer stopBG()

	deadline := time.Now().Add(30 * time.Second)
	var got data.CalendarItem
	for {
		if got, err = a.CalendarItem(ctx, it.ID); err != nil {
			t.Fatal(err)
		}
		if got.Status == CalendarPublished || time.Now().After(deadline) {
			break
		}
		select {
		case tick <- time.Now(): // later rounds must not queue it again
		case <-time.After(50 * time.Millisecond):
		}
	}
	if got.Status != CalendarPublished || got.RemoteID == "" {
		t.Fatalf("calendar item after publishing: status %q, remote id %q", got.Status, got.RemoteID)
	}
	posts := 0
	for _, s := range sim.Sent() {
		if s.Kind == "post" {
			posts++
			if s.Text != text || s.Platform != data.VK {
				t.Errorf("published %s %q, want the item's text on VK", s.Platform, s.Text)
			}
		}
	}
	if posts != 1 {
		t.Fatalf("the network received %d posts, want exactly 1", posts)
	}
}
