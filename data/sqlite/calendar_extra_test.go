package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"otklik/data"
)

func TestCalendarItemRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "club1", "Губернатор Смоленской области")
	it := data.CalendarItem{AccountID: acc.ID, Kind: "photo", Title: "Новая школа в Рудне",
		Text: "Показываем, как идёт стройка.", District: "rudnya", PlannedAt: baseTime.Add(26 * time.Hour),
		Status: "approved", Approver: "Анна Ковалёва"}
	if err := db.SaveCalendarItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	got, err := db.CalendarItem(ctx, it.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != it {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, it)
	}
	if _, err := db.CalendarItem(ctx, it.ID+100); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("missing item: got %v, want ErrNotFound", err)
	}
}

func TestPostsBetween(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	vk := mustAccount(t, db, data.VK, "club1", "Губернатор")
	tg := mustAccount(t, db, data.Telegram, "@gov", "Канал")
	post := func(acc data.Account, ext string, at time.Time) data.Post {
		return data.Post{AccountID: acc.ID, Platform: acc.Platform, ExternalID: ext, Text: "Пост " + ext, Kind: "post", CreatedAt: at}
	}
	mustIngest(t, db, Batch{AccountID: vk.ID, Posts: []data.Post{
		post(vk, "1", baseTime), post(vk, "2", baseTime.Add(time.Hour)), post(vk, "3", baseTime.Add(48*time.Hour)),
	}})
	mustIngest(t, db, Batch{AccountID: tg.ID, Posts: []data.Post{post(tg, "9", baseTime.Add(30*time.Minute))}})
	for _, tc := range []struct {
		name    string
		account int64
		from    time.Time
		to      time.Time
		want    []string
	}{
		{"all accounts, first day", 0, baseTime, baseTime.Add(24 * time.Hour), []string{"1", "9", "2"}},
		{"one account", vk.ID, baseTime, baseTime.Add(72 * time.Hour), []string{"1", "2", "3"}},
		{"end is exclusive", vk.ID, baseTime, baseTime.Add(time.Hour), []string{"1"}},
		{"empty range", tg.ID, baseTime.Add(time.Hour), baseTime.Add(72 * time.Hour), nil},
	} {
		ps, err := db.PostsBetween(ctx, tc.account, tc.from, tc.to)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.ExternalID)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestCalendarOutboxAndAlerts(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "club1", "Губернатор")
	it := data.CalendarItem{AccountID: acc.ID, Title: "Итоги недели", PlannedAt: baseTime, Status: "approved"}
	if err := db.SaveCalendarItem(ctx, &it); err != nil {
		t.Fatal(err)
	}
	ob := data.OutboxItem{AccountID: acc.ID, Kind: "post", CalendarItemID: it.ID, IdempotencyKey: "cal-1"}
	if err := db.EnqueueOutbox(ctx, &ob, ""); err != nil {
		t.Fatal(err)
	}
	got, err := db.CalendarOutbox(ctx, it.ID)
	if err != nil || len(got) != 1 || got[0].ID != ob.ID || got[0].State != data.OutboxQueued {
		t.Fatalf("calendar outbox: got %+v, %v", got, err)
	}
	if got, _ := db.CalendarOutbox(ctx, it.ID+1); len(got) != 0 {
		t.Errorf("another item's outbox: got %d items", len(got))
	}
	for i, want := range []bool{true, false} {
		first, err := db.MarkCalendarAlert(ctx, "max_gap.1.1700000000", baseTime)
		if err != nil || first != want {
			t.Errorf("mark #%d: got %v, %v; want %v", i+1, first, err, want)
		}
	}
	if first, _ := db.MarkCalendarAlert(ctx, "max_gap.2.1700000000", baseTime); !first {
		t.Error("another key must fire")
	}
	if _, err := db.MarkCalendarAlert(ctx, "", baseTime); err == nil {
		t.Error("an empty key must be refused")
	}
}
